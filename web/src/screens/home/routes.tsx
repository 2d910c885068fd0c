import { createRoute, Link } from '@tanstack/react-router';
import { NAV } from '../../layout/nav';
import { shellRoute } from '../../router/root';
import { can, useSignedIn } from '../../session/me';
import { Screen } from '../../ui/page';

function Home() {
  const me = useSignedIn();
  const entries = NAV.flatMap((g) => g.entries).filter((e) => can(me, e.permission));
  return (
    <Screen title="Home" intro="Where your work is today.">
      {entries.length === 0 ? (
        <p>No role has been granted to your account yet: ask an administrator for the role your work needs.</p>
      ) : (
        <ul className="tiles">
          {entries.map((e) => (
            <li key={e.to}>
              <Link to={e.to} className="tile">
                {e.label}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Screen>
  );
}

export const routes = [createRoute({ getParentRoute: () => shellRoute, path: '/', component: Home })];
