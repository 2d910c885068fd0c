import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { Checkbox } from 'react-aria-components';
import { api, ProblemError, run, unwrap } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { Badge, Button, ErrorNote, Field, When } from '../../ui/controls';
import { DialogButton } from '../../ui/dialog';
import { Panel, Screen } from '../../ui/page';
import { Select } from '../../ui/select';
import { PagedTable } from '../../ui/table';
import { OutcomeNote, outcomeOf, useRoles, type Outcome } from './shared';
import { AccountState, type Account } from './user-state';

const ANY = 'any';
const KINDS = [
  { value: ANY, label: 'Any kind' },
  { value: 'human', label: 'People' },
  { value: 'service', label: 'Services' },
  { value: 'device', label: 'Devices' },
];
const STATES = [
  { value: ANY, label: 'Enabled and disabled' },
  { value: 'false', label: 'Enabled only' },
  { value: 'true', label: 'Disabled only' },
];

export const USERS_KEY = ['users'] as const;

/** Accounts, filtered by kind, state and role, and the creation of a new one (its one-time password shown once). */
export function UsersScreen() {
  const me = useSignedIn();
  const roles = useRoles();
  const [kind, setKind] = useState(ANY);
  const [disabled, setDisabled] = useState(ANY);
  const [role, setRole] = useState(ANY);
  const [outcome, setOutcome] = useState<Outcome>();
  const query = {
    kind: kind === ANY ? undefined : (kind as 'human' | 'service' | 'device'),
    disabled: disabled === ANY ? undefined : disabled === 'true',
    role: role === ANY ? undefined : role,
  };
  const roleOptions = [
    { value: ANY, label: 'Any role' },
    ...(roles.data?.roles ?? []).map((r) => ({ value: r.name, label: r.name })),
  ];
  return (
    <Screen
      title="Users and access"
      intro="Accounts of people, services and devices. Open an account to grant roles or act on it."
      actions={
        <>
          <Link to="/admin/access" className="button button-secondary">
            Roles and access matrix
          </Link>
          {can(me, 'identity.users.manage') && (
            <DialogButton label="Create an account" title="Create an account">
              {(close) => <CreateUser onDone={(o) => (setOutcome(o), close())} onCancel={close} />}
            </DialogButton>
          )}
        </>
      }
    >
      <OutcomeNote outcome={outcome} />
      <Panel title="Accounts">
        <div className="admin-filters" role="group" aria-label="Filter accounts">
          <Select label="Kind" options={KINDS} value={kind} onChange={setKind} />
          <Select label="State" options={STATES} value={disabled} onChange={setDisabled} />
          <Select label="Holds role" options={roleOptions} value={role} onChange={setRole} />
        </div>
        <PagedTable<Account>
          queryKey={[...USERS_KEY, query]}
          fetchPage={(cursor) => unwrap(api.GET('/api/users', { params: { query: { ...query, cursor, limit: 25 } } }))}
          caption="Accounts"
          rowKey={(u) => u.id}
          columns={[
            {
              header: 'User name',
              cell: (u) => (
                <Link to="/admin/users/$id" params={{ id: u.id }}>
                  {u.username}
                </Link>
              ),
            },
            { header: 'Name', cell: (u) => u.displayName },
            { header: 'Kind', cell: (u) => `${u.kind}${u.vendor ? ' (vendor)' : ''}` },
            { header: 'State', cell: (u) => <AccountState user={u} /> },
            {
              header: 'Second factor',
              cell: (u) => (
                <Badge tone={u.mfaEnrolled ? 'good' : 'neutral'}>{u.mfaEnrolled ? 'enrolled' : 'none'}</Badge>
              ),
            },
            { header: 'Created', cell: (u) => <When at={u.createdAt} /> },
          ]}
          empty={{
            title: 'No account matches',
            hint: 'Change the filters above, or create an account with "Create an account".',
          }}
        />
      </Panel>
    </Screen>
  );
}

function CreateUser({ onDone, onCancel }: { onDone: (outcome: Outcome) => void; onCancel: () => void }) {
  const client = useQueryClient();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [kind, setKind] = useState<'human' | 'service' | 'device'>('human');
  const [vendor, setVendor] = useState(false);
  const [expires, setExpires] = useState('');
  const create = useMutation({
    mutationFn: () =>
      run(
        api.POST('/api/users', {
          body: {
            username,
            displayName,
            kind,
            vendor,
            ...(expires !== '' ? { expiresAt: new Date(`${expires}T23:59:59`).toISOString() } : {}),
          },
        }),
      ),
    onSuccess: (result) => {
      void client.invalidateQueries({ queryKey: USERS_KEY });
      onDone(
        outcomeOf('Creating the account', result, (r) => ({
          kind: 'done',
          message: `Account ${r.user.username} created. Give its owner the one-time password; they choose their own at first sign-in.`,
          secret: { label: `One-time password of ${r.user.username}`, value: r.oneTimePassword },
        })),
      );
    },
  });
  const fields = create.error instanceof ProblemError ? create.error.fields : {};
  return (
    <form
      className="admin-form"
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate();
      }}
    >
      <Field
        label="User name"
        value={username}
        onChange={setUsername}
        isRequired
        error={fields['/username']}
        hint="Letters, digits, dot, dash or underscore."
      />
      <Field
        label="Display name"
        value={displayName}
        onChange={setDisplayName}
        isRequired
        error={fields['/displayName']}
      />
      <Select
        label="Kind of account"
        options={KINDS.slice(1)}
        value={kind}
        onChange={(k) => setKind(k as 'human' | 'service' | 'device')}
      />
      <Checkbox className="admin-checkbox" isSelected={vendor} onChange={setVendor}>
        <span className="admin-checkbox-box" aria-hidden="true">
          {vendor ? '✓' : ''}
        </span>
        Vendor or contractor (needs an expiry)
      </Checkbox>
      <Field
        label="Expires on (optional)"
        value={expires}
        onChange={setExpires}
        placeholder="YYYY-MM-DD"
        hint="The account stops working at the end of this day."
        error={fields['/expiresAt']}
      />
      <ErrorNote error={create.error} />
      <div className="row">
        <Button type="submit" isDisabled={create.isPending}>
          Create
        </Button>
        <Button variant="secondary" onPress={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
