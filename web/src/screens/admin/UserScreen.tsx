import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { api, run, unwrap } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { Button, ErrorNote, Loading, When } from '../../ui/controls';
import { Panel, Screen } from '../../ui/page';
import { Select } from '../../ui/select';
import { Table } from '../../ui/table';
import { Facts, OutcomeNote, outcomeOf, ScopePicker, useRoles, type Outcome } from './shared';
import { AccountState } from './user-state';
import { USERS_KEY } from './UsersScreen';

type Grant = { role: string; scope: string };

/** One account: its state, its roles with their scopes, and what an administrator may do to it. */
export function UserScreen() {
  const { id } = useParams({ from: '/shell/admin/users/$id' });
  const me = useSignedIn();
  const client = useQueryClient();
  const [outcome, setOutcome] = useState<Outcome>();
  const user = useQuery({
    queryKey: [...USERS_KEY, id],
    queryFn: () => unwrap(api.GET('/api/users/{id}', { params: { path: { id } } })),
  });
  const changed = (result: Outcome) => {
    setOutcome(result);
    void client.invalidateQueries({ queryKey: USERS_KEY });
  };
  if (user.isPending) return <Loading what="the account" />;
  if (user.isError)
    return (
      <Screen title="Account">
        <ErrorNote error={user.error} />
        <Link to="/admin/users">Back to the accounts</Link>
      </Screen>
    );
  const { user: account, grants } = user.data;
  const manage = can(me, 'identity.grants.manage');
  return (
    <Screen
      title={`Account ${account.username}`}
      intro={account.displayName}
      actions={
        <Link to="/admin/users" className="button button-secondary">
          All accounts
        </Link>
      }
    >
      <OutcomeNote outcome={outcome} />
      <Panel title="Account">
        <Facts
          items={[
            ['User name', account.username],
            ['Kind', `${account.kind}${account.vendor ? ' (vendor)' : ''}`],
            ['State', <AccountState key="state" user={account} />],
            ['Locked until', <When key="locked" at={account.lockedUntil} />],
            ['Expires', <When key="expires" at={account.expiresAt} />],
            ['Second factor', account.mfaEnrolled ? 'enrolled' : 'not enrolled'],
            ['Created', <When key="created" at={account.createdAt} />],
          ]}
        />
      </Panel>
      <Panel title="Roles">
        <GrantTable userId={id} grants={grants} manage={manage} onDone={changed} />
        {manage && <GrantForm userId={id} onDone={changed} />}
      </Panel>
      {can(me, 'identity.users.manage') && (
        <Panel title="Account actions">
          <AccountActions userId={id} username={account.username} disabled={account.disabled} onDone={changed} />
        </Panel>
      )}
    </Screen>
  );
}

function GrantTable({
  userId,
  grants,
  manage,
  onDone,
}: {
  userId: string;
  grants: Grant[];
  manage: boolean;
  onDone: (o: Outcome) => void;
}) {
  const revoke = useMutation({
    mutationFn: (grant: Grant) => run(api.POST('/api/grants/revoke', { body: { userId, ...grant } })),
    onSuccess: (result, grant) =>
      onDone(
        outcomeOf(`Revoking ${grant.role} at ${grant.scope}`, result, () => ({
          kind: 'done',
          message: `Revoked ${grant.role} at ${grant.scope}.`,
        })),
      ),
  });
  return (
    <>
      <ErrorNote error={revoke.error} />
      <Table
        caption="Roles held, with the part of the plant each holds at"
        rows={grants}
        rowKey={(g) => `${g.role}@${g.scope}`}
        columns={[
          { header: 'Role', cell: (g) => g.role },
          { header: 'Scope', cell: (g) => <code>{g.scope}</code> },
          ...(manage
            ? [
                {
                  header: 'Action',
                  cell: (g: Grant) => (
                    <Button
                      variant="danger"
                      isDisabled={revoke.isPending}
                      onPress={() => revoke.mutate(g)}
                      aria-label={`Revoke ${g.role} at ${g.scope}`}
                    >
                      Revoke
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
        empty={{ title: 'No role', hint: 'This account can do nothing yet: grant it a role below.' }}
      />
    </>
  );
}

function GrantForm({ userId, onDone }: { userId: string; onDone: (o: Outcome) => void }) {
  const roles = useRoles();
  const [role, setRole] = useState<string | null>(null);
  const [scope, setScope] = useState<string | null>(null);
  const grant = useMutation({
    mutationFn: (body: Grant) => run(api.POST('/api/grants', { body: { userId, ...body } })),
    onSuccess: (result, body) =>
      onDone(
        outcomeOf(`Granting ${body.role} at ${body.scope}`, result, () => ({
          kind: 'done',
          message: `Granted ${body.role} at ${body.scope}.`,
        })),
      ),
  });
  return (
    <form
      className="admin-form"
      aria-label="Grant a role"
      onSubmit={(event) => {
        event.preventDefault();
        if (role !== null && scope !== null) grant.mutate({ role, scope });
      }}
    >
      <h3>Grant a role</h3>
      <ErrorNote error={roles.error} />
      <div className="admin-inline">
        <Select
          label="Role"
          options={(roles.data?.roles ?? []).map((r) => ({
            value: r.name,
            label: `${r.name}${r.builtIn ? '' : ' (custom)'}`,
          }))}
          value={role}
          onChange={setRole}
          isRequired
        />
        <ScopePicker label="Where" value={scope} onChange={setScope} hint="The role holds there and below." />
      </div>
      <Button type="submit" isDisabled={role === null || scope === null || grant.isPending}>
        Grant
      </Button>
      <ErrorNote error={grant.error} />
    </form>
  );
}

type Act = 'disable' | 'enable' | 'unlock' | 'expire' | 'reset' | 'mfa-reset' | 'sessions/revoke';

const ACTS: { act: Act; label: string; done: string; danger?: boolean }[] = [
  { act: 'unlock', label: 'Unlock', done: 'Unlocked' },
  { act: 'reset', label: 'Reset password', done: 'Password reset' },
  { act: 'mfa-reset', label: 'Reset second factor', done: 'Second factor removed; it enrols again at next sign-in' },
  { act: 'sessions/revoke', label: 'End all sessions', done: 'Sessions ended', danger: true },
  { act: 'expire', label: 'Expire now', done: 'Expired', danger: true },
];

function AccountActions({
  userId,
  username,
  disabled,
  onDone,
}: {
  userId: string;
  username: string;
  disabled: boolean;
  onDone: (o: Outcome) => void;
}) {
  const act = useMutation({
    mutationFn: async (which: Act) => {
      const path = { params: { path: { id: userId } } };
      switch (which) {
        case 'disable':
          return run(api.POST('/api/users/{id}/disable', path));
        case 'enable':
          return run(api.POST('/api/users/{id}/enable', path));
        case 'unlock':
          return run(api.POST('/api/users/{id}/unlock', path));
        case 'expire':
          return run(api.POST('/api/users/{id}/expire', path));
        case 'reset':
          return run(api.POST('/api/users/{id}/reset', path));
        case 'mfa-reset':
          return run(api.POST('/api/users/{id}/mfa-reset', path));
        case 'sessions/revoke':
          return run(api.POST('/api/users/{id}/sessions/revoke', path));
      }
    },
    onSuccess: (result, which) => {
      const spec = [...ACTS, ...TOGGLES].find((a) => a.act === which)!;
      onDone(
        outcomeOf(`${spec.label} (${username})`, result, (r) => ({
          kind: 'done',
          message: `${spec.done}: ${username}.`,
          ...('oneTimePassword' in r
            ? { secret: { label: `New one-time password of ${username}`, value: r.oneTimePassword } }
            : {}),
        })),
      );
    },
  });
  const toggle = disabled ? TOGGLES[1]! : TOGGLES[0]!;
  return (
    <div className="admin-actions">
      <ErrorNote error={act.error} />
      <div className="row">
        <Button
          variant={disabled ? 'primary' : 'danger'}
          isDisabled={act.isPending}
          onPress={() => act.mutate(toggle.act)}
        >
          {toggle.label}
        </Button>
        {ACTS.map((a) => (
          <Button
            key={a.act}
            variant={a.danger === true ? 'danger' : 'secondary'}
            isDisabled={act.isPending}
            onPress={() => act.mutate(a.act)}
          >
            {a.label}
          </Button>
        ))}
      </div>
      <p className="hint">
        Acting on an administrator&apos;s account (reset, second factor, sessions) needs a second administrator: such a
        request is sent for approval.
      </p>
    </div>
  );
}

const TOGGLES: { act: Act; label: string; done: string }[] = [
  { act: 'disable', label: 'Disable', done: 'Disabled (its sessions ended)' },
  { act: 'enable', label: 'Enable', done: 'Enabled' },
];
