import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ChangePassword } from '../../session/SignIn';
import { useRefreshMe, useSignedIn } from '../../session/me';
import { Badge, Button, ErrorNote, When } from '../../ui/controls';
import { Panel, Screen } from '../../ui/page';
import { Table } from '../../ui/table';

/** My account: my roles, my live sessions (and signing the others out), my password. */
export function AccountScreen() {
  const me = useSignedIn();
  const refresh = useRefreshMe();
  const end = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/auth/sessions/{id}', { params: { path: { id } } })),
    onSuccess: () => refresh(),
  });
  const others = me.sessions.filter((s) => !s.current);
  return (
    <Screen title="My account" intro={`Signed in as ${me.username}.`}>
      <Panel title="Roles">
        <Table
          caption="My roles"
          rows={me.grants}
          rowKey={(g) => `${g.role}@${g.scope}`}
          columns={[
            { header: 'Role', cell: (g) => g.role },
            { header: 'Where', cell: (g) => g.scope },
          ]}
          empty={{ title: 'No role yet', hint: 'Ask an administrator for the role your work needs.' }}
        />
        <p>
          Second factor: <Badge tone={me.mfa === 'verified' ? 'good' : 'neutral'}>{me.mfa}</Badge>
        </p>
      </Panel>
      <Panel title="My sessions">
        <ErrorNote error={end.error} />
        <Table
          caption="My live sessions"
          rows={me.sessions}
          rowKey={(s) => s.id}
          columns={[
            { header: 'Started', cell: (s) => <When at={s.createdAt} /> },
            { header: 'Last active', cell: (s) => <When at={s.lastSeenAt} /> },
            {
              header: 'Session',
              cell: (s) =>
                s.current ? (
                  <Badge tone="good">this browser</Badge>
                ) : (
                  <Button
                    variant="danger"
                    onPress={() => end.mutate(s.id)}
                    aria-label={`Sign out the session started ${s.createdAt}`}
                  >
                    Sign out
                  </Button>
                ),
            },
          ]}
          empty={{ title: 'No session', hint: 'Sign in again.' }}
        />
        {others.length > 1 && (
          <Button variant="danger" onPress={() => others.forEach((s) => end.mutate(s.id))}>
            Sign out all other sessions
          </Button>
        )}
      </Panel>
      <Panel title="Password">
        <ChangePassword title="Change my password" />
      </Panel>
    </Screen>
  );
}
