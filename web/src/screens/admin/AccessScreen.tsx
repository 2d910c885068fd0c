import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Checkbox, CheckboxGroup, Label, SearchField, Input } from 'react-aria-components';
import { api, ProblemError, run, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { can, useSignedIn } from '../../session/me';
import { Badge, Button, ErrorNote, Field, Loading } from '../../ui/controls';
import { Panel, Screen } from '../../ui/page';
import { Select } from '../../ui/select';
import { Table } from '../../ui/table';
import { OutcomeNote, outcomeOf, ROLES_KEY, useRoles, type Outcome } from './shared';

type Matrix = paths['/api/access/matrix']['get']['responses'][200]['content']['application/json'];
type Row = Matrix['permissions'][number];

/** Holders that are not roles: a permission anyone (or any signed-in account, or only the system) holds. */
const NOT_GRANTABLE = new Set(['everyone', 'authenticated', 'system']);
const ANY = 'any';

/** Roles (built-in and custom, and defining a custom one) and the access matrix: who may do what, where. */
export function AccessScreen() {
  const me = useSignedIn();
  const matrix = useQuery({ queryKey: ['access-matrix'], queryFn: () => unwrap(api.GET('/api/access/matrix')) });
  return (
    <Screen
      title="Roles and access"
      intro="The roles that can be granted, and the access matrix: which role holds which permission, and the commands and routes each permission opens."
    >
      <RolesPanel />
      {can(me, 'identity.grants.manage') && matrix.data !== undefined && (
        <Panel title="Define a custom role">
          <DefineRole
            permissions={matrix.data.permissions.filter((p) => !p.holders.some((h) => NOT_GRANTABLE.has(h)))}
          />
        </Panel>
      )}
      <Panel title="Access matrix">
        {matrix.isPending ? (
          <Loading what="the access matrix" />
        ) : matrix.isError ? (
          <ErrorNote error={matrix.error} />
        ) : (
          <MatrixTable matrix={matrix.data} />
        )}
      </Panel>
    </Screen>
  );
}

function RolesPanel() {
  const roles = useRoles();
  return (
    <Panel title="Roles">
      {roles.isPending ? (
        <Loading what="the roles" />
      ) : roles.isError ? (
        <ErrorNote error={roles.error} />
      ) : (
        <Table
          caption="Roles that can be granted"
          rows={roles.data.roles}
          rowKey={(r) => r.name}
          columns={[
            { header: 'Role', cell: (r) => <strong>{r.name}</strong> },
            { header: 'Kind', cell: (r) => (r.builtIn ? 'built-in' : 'custom') },
            { header: 'What it is for', cell: (r) => r.description },
            { header: 'Second factor', cell: (r) => (r.mfaRequired ? 'required' : 'not required') },
            { header: 'Permissions', cell: (r) => r.permissions.length, numeric: true },
          ]}
          empty={{ title: 'No role', hint: 'Define a custom role below.' }}
        />
      )}
    </Panel>
  );
}

function DefineRole({ permissions }: { permissions: Row[] }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [search, setSearch] = useState('');
  const [outcome, setOutcome] = useState<Outcome>();
  const define = useMutation({
    mutationFn: () => run(api.POST('/api/roles', { body: { name, description, permissions: chosen } })),
    onSuccess: (result) => {
      void client.invalidateQueries({ queryKey: ROLES_KEY });
      setOutcome(
        outcomeOf(`Defining role ${name}`, result, (r) => ({
          kind: 'done',
          message: `Role ${r.name} defined with ${chosen.length} permission(s); grant it from an account's page.`,
        })),
      );
      setName('');
      setDescription('');
      setChosen([]);
    },
  });
  const needle = search.trim().toLowerCase();
  const shown = permissions.filter(
    (p) =>
      needle === '' ||
      chosen.includes(p.permission) ||
      `${p.permission} ${p.description}`.toLowerCase().includes(needle),
  );
  const fields = define.error instanceof ProblemError ? define.error.fields : {};
  return (
    <form
      className="admin-form"
      aria-label="Define a custom role"
      onSubmit={(event) => {
        event.preventDefault();
        define.mutate();
      }}
    >
      <OutcomeNote outcome={outcome} />
      <div className="admin-inline">
        <Field
          label="Role name"
          value={name}
          onChange={setName}
          isRequired
          hint="Lower-case letters, digits and dashes."
          error={fields['/name']}
        />
        <Field
          label="What it is for"
          value={description}
          onChange={setDescription}
          isRequired
          error={fields['/description']}
        />
      </div>
      <SearchField className="field" value={search} onChange={setSearch}>
        <Label>Find permissions</Label>
        <Input placeholder="e.g. quality or audit" />
      </SearchField>
      <CheckboxGroup className="admin-permission-list" value={chosen} onChange={setChosen}>
        <Label>Permissions ({chosen.length} chosen)</Label>
        {shown.map((p) => (
          <Checkbox key={p.permission} value={p.permission} className="admin-checkbox">
            {({ isSelected }) => (
              <>
                <span className="admin-checkbox-box" aria-hidden="true">
                  {isSelected ? '✓' : ''}
                </span>
                <code>{p.permission}</code> — {p.description}
              </>
            )}
          </Checkbox>
        ))}
      </CheckboxGroup>
      <ErrorNote error={define.error} />
      <Button type="submit" isDisabled={define.isPending || chosen.length === 0}>
        Define role
      </Button>
    </form>
  );
}

function MatrixTable({ matrix }: { matrix: Matrix }) {
  const [search, setSearch] = useState('');
  const [role, setRole] = useState(ANY);
  const needle = search.trim().toLowerCase();
  const rows = useMemo(
    () =>
      matrix.permissions.filter((p) => {
        if (role !== ANY && !p.holders.includes(role)) return false;
        if (needle === '') return true;
        const text = [p.permission, p.description, ...p.commands.map((c) => c.name), ...p.routes].join(' ');
        return text.toLowerCase().includes(needle);
      }),
    [matrix, role, needle],
  );
  return (
    <>
      <div className="admin-filters" role="group" aria-label="Filter the access matrix">
        <SearchField className="field" value={search} onChange={setSearch}>
          <Label>Find a permission, command or route</Label>
          <Input placeholder="e.g. recipes or /api/users" />
        </SearchField>
        <Select
          label="Held by role"
          options={[{ value: ANY, label: 'Any role' }, ...matrix.roles.map((r) => ({ value: r, label: r }))]}
          value={role}
          onChange={setRole}
        />
      </div>
      <p className="hint">
        {rows.length} of {matrix.permissions.length} permissions. A role holds a permission at the scope of its grant
        and below it; &ldquo;at its place&rdquo; commands are checked where they act, the others at the enterprise.
      </p>
      <Table
        caption="Access matrix: permissions, the roles holding them, and what they open"
        rows={rows}
        rowKey={(p) => p.permission}
        columns={[
          {
            header: 'Permission',
            cell: (p) => (
              <>
                <code>{p.permission}</code>
                <div className="hint">{p.description}</div>
              </>
            ),
          },
          { header: 'Held by', cell: (p) => <Holders holders={p.holders} /> },
          {
            header: 'Commands (scope)',
            cell: (p) =>
              p.commands.length === 0 ? (
                '—'
              ) : (
                <ul className="admin-plain-list">
                  {p.commands.map((c) => (
                    <li key={c.name}>
                      <code>{c.name}</code> · {c.scoped ? 'at its place' : 'enterprise'}
                      {c.dualControl && ' · dual control'}
                    </li>
                  ))}
                </ul>
              ),
          },
          {
            header: 'Routes',
            cell: (p) =>
              p.routes.length === 0 ? (
                '—'
              ) : (
                <ul className="admin-plain-list">
                  {p.routes.map((r) => (
                    <li key={r}>
                      <code>{r}</code>
                    </li>
                  ))}
                </ul>
              ),
          },
        ]}
        empty={{ title: 'No permission matches', hint: 'Clear the search or choose "Any role".' }}
      />
    </>
  );
}

function Holders({ holders }: { holders: string[] }) {
  return (
    <span className="admin-badges">
      {holders.map((h) => (
        <Badge key={h} tone={NOT_GRANTABLE.has(h) ? 'neutral' : 'good'}>
          {h === 'authenticated' ? 'every signed-in account' : h === 'system' ? 'system only' : h}
        </Badge>
      ))}
    </span>
  );
}
