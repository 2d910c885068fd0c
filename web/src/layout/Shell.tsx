import { Link, Outlet } from '@tanstack/react-router';
import { useState } from 'react';
import { ChangePassword, SignIn, VerifySecondFactor } from '../session/SignIn';
import { EnrolMfa } from '../session/EnrolMfa';
import { can, useMe, useSignOut, type Me } from '../session/me';
import { useIdleLock } from '../session/idle';
import { Button, ErrorNote, Loading } from '../ui/controls';
import { NAV } from './nav';

function Navigation({ me }: { me: Me }) {
  return (
    <nav className="side-nav" aria-label="Main">
      <Link to="/" className="nav-home" activeOptions={{ exact: true }}>
        Home
      </Link>
      {NAV.map((group) => {
        const entries = group.entries.filter((e) => can(me, e.permission));
        if (entries.length === 0) return null;
        return (
          <div key={group.title} className="nav-group">
            <h2>{group.title}</h2>
            <ul>
              {entries.map((e) => (
                <li key={e.to}>
                  <Link to={e.to}>{e.label}</Link>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </nav>
  );
}

function SignedIn({ me, onIdle }: { me: Me; onIdle: () => void }) {
  const signOut = useSignOut();
  useIdleLock(me.idleMinutes, onIdle);
  const roles = [...new Set(me.grants.map((g) => g.role))].join(', ');
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <Link to="/" className="brand">
          Bastion MES
        </Link>
        <span className="who">
          <Link to="/account">{me.displayName !== '' ? me.displayName : me.username}</Link>
          {roles !== '' && <span className="roles"> · {roles}</span>}
        </span>
        <Button variant="secondary" onPress={() => void signOut()}>
          Sign out
        </Button>
      </header>
      <div className="body">
        <Navigation me={me} />
        <main id="main" className="content">
          <Outlet />
        </main>
      </div>
    </div>
  );
}

/** Decides what a person sees: sign-in, the password change, the second factor, its enrolment, or the app. */
export function Shell() {
  const me = useMe();
  const signOut = useSignOut();
  const [reason, setReason] = useState<string>();
  if (me.isPending) return <Loading what="your session" />;
  if (me.isError) return <ErrorNote error={me.error} />;
  if (me.data === null) return <SignIn reason={reason} />;
  if (me.data.mustChangePassword)
    return (
      <main className="sign-in" id="main">
        <ChangePassword title="Choose your own password (the one you were given works only once)" />
      </main>
    );
  if (me.data.mfa === 'pending') return <VerifySecondFactor />;
  if (me.data.mfa === 'enrolment-required') return <EnrolMfa />;
  return (
    <SignedIn
      me={me.data}
      onIdle={() => {
        setReason(`Signed out after ${me.data?.idleMinutes ?? 0} minutes without activity.`);
        void signOut();
      }}
    />
  );
}
