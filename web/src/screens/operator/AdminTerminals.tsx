import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form, Input, Label, TextField } from 'react-aria-components';
import { api, execute, unwrap } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { Badge, Button, ErrorNote, Field, Loading, Notice, When } from '../../ui/controls';
import { DialogButton } from '../../ui/dialog';
import { Panel, Screen } from '../../ui/page';
import { Select } from '../../ui/select';
import { Table } from '../../ui/table';
import '../../styles/operator.css';

const TERMINALS_KEY = ['admin', 'terminals'] as const;

function Register() {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [line, setLine] = useState<string | null>(null);
  const lines = useQuery({
    queryKey: ['admin', 'plant', 'lines'],
    queryFn: async () =>
      (await unwrap(api.GET('/api/plant'))).nodes.filter((n) => n.level === 'line' && !n.retired).map((n) => n.path),
  });
  const register = useMutation({
    mutationFn: () => execute(api.POST('/api/terminals', { body: { name: name.trim(), line: line ?? '' } })),
    onSuccess: async () => {
      setName('');
      await client.invalidateQueries({ queryKey: TERMINALS_KEY });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    register.mutate();
  };
  return (
    <Panel title="Register a terminal">
      <Form onSubmit={submit} aria-label="Register a terminal">
        <div className="op-row">
          <Field label="Terminal name" value={name} onChange={setName} isRequired />
          <Select
            label="Line"
            value={line}
            onChange={setLine}
            isRequired
            options={(lines.data ?? []).map((path) => ({ value: path, label: path }))}
          />
        </div>
        <ErrorNote error={lines.error ?? register.error} />
        <Button type="submit" isDisabled={register.isPending || line === null || name.trim() === ''}>
          Register
        </Button>
      </Form>
      {register.data !== undefined && (
        <div className="enrolment-code">
          <p>
            Terminal <strong>{register.data.name}</strong> on {register.data.line} is registered. Its enrolment code,
            shown only this once (type it at the terminal's <code>/terminal</code> page before{' '}
            <When at={register.data.enrolmentExpiresAt} />
            ):
          </p>
          <TextField className="field code-big" value={register.data.enrolmentCode} isReadOnly>
            <Label>Enrolment code</Label>
            <Input className="secret" autoComplete="off" />
          </TextField>
        </div>
      )}
    </Panel>
  );
}

function Revoke({ id, name }: { id: string; name: string }) {
  const client = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => execute(api.POST('/api/terminals/{id}/revoke', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: TERMINALS_KEY }),
  });
  return (
    <DialogButton label={`Revoke ${name}`} title={`Revoke terminal ${name}?`} variant="danger">
      {(close) => (
        <>
          <p>The terminal can no longer be used and everyone signed in at it is signed out.</p>
          <ErrorNote error={revoke.error} />
          <div className="op-row">
            <Button variant="danger" onPress={() => revoke.mutate(undefined, { onSuccess: close })}>
              Revoke
            </Button>
            <Button variant="secondary" onPress={close}>
              Cancel
            </Button>
          </div>
        </>
      )}
    </DialogButton>
  );
}

function TerminalList({ mayRevoke }: { mayRevoke: boolean }) {
  const terminals = useQuery({
    queryKey: TERMINALS_KEY,
    queryFn: async () => (await unwrap(api.GET('/api/terminals'))).items,
  });
  if (terminals.isPending) return <Loading what="terminals" />;
  if (terminals.isError) return <ErrorNote error={terminals.error} />;
  return (
    <Table
      caption="Registered terminals"
      rows={terminals.data}
      rowKey={(t) => t.id}
      empty={{ title: 'No terminal registered', hint: 'Register one below, then enrol it at the terminal.' }}
      columns={[
        { header: 'Name', cell: (t) => t.name },
        { header: 'Line', cell: (t) => t.line },
        {
          header: 'State',
          cell: (t) =>
            t.revokedAt !== null ? (
              <Badge tone="bad">revoked</Badge>
            ) : t.enrolledAt !== null ? (
              <Badge tone="good">enrolled</Badge>
            ) : (
              <Badge tone="warn">waiting for enrolment</Badge>
            ),
        },
        { header: 'Enrolled', cell: (t) => <When at={t.enrolledAt} /> },
        { header: 'Last seen', cell: (t) => <When at={t.lastSeenAt} /> },
        {
          header: 'Action',
          cell: (t) => (mayRevoke && t.revokedAt === null ? <Revoke id={t.id} name={t.name} /> : '—'),
        },
      ]}
    />
  );
}

function AssignBadge() {
  const [user, setUser] = useState<string | null>(null);
  const [badge, setBadge] = useState('');
  const [pin, setPin] = useState('');
  const users = useQuery({
    queryKey: ['admin', 'users', 'human'],
    queryFn: async () =>
      (await unwrap(api.GET('/api/users', { params: { query: { kind: 'human', limit: 200 } } }))).items,
  });
  const assign = useMutation({
    mutationFn: () =>
      execute(
        api.POST('/api/users/{id}/badge', { params: { path: { id: user ?? '' } }, body: { badge: badge.trim(), pin } }),
      ),
    onSuccess: () => setPin(''),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    assign.mutate();
  };
  const chosen = users.data?.find((u) => u.id === user);
  return (
    <Panel title="Badge and PIN">
      <Form onSubmit={submit} aria-label="Assign a badge and PIN">
        <div className="op-row">
          <Select
            label="Person"
            value={user}
            onChange={setUser}
            isRequired
            options={(users.data ?? []).map((u) => ({ value: u.id, label: `${u.username} (${u.displayName})` }))}
          />
          <Field label="Badge number" value={badge} onChange={setBadge} isRequired autoComplete="off" />
          <Field
            label="New PIN"
            type="password"
            inputMode="numeric"
            hint="4 to 8 digits; tell it to the person privately."
            value={pin}
            onChange={setPin}
            isRequired
            autoComplete="new-password"
          />
        </div>
        <ErrorNote error={users.error ?? assign.error} />
        <Button type="submit" isDisabled={assign.isPending || user === null}>
          Assign badge
        </Button>
      </Form>
      {assign.isSuccess && chosen !== undefined && (
        <Notice>
          Badge {badge} and the new PIN now belong to {chosen.username}.
        </Notice>
      )}
    </Panel>
  );
}

/** `/admin/terminals`: which shop-floor terminals exist, registering and revoking them, and badges for people. */
export function AdminTerminals() {
  const me = useSignedIn();
  return (
    <Screen
      title="Terminals"
      intro="Shop-floor terminals are bound to one line; operators sign in at them with badge and PIN."
    >
      <Panel title="Registered terminals">
        <TerminalList mayRevoke={can(me, 'identity.terminal.revoke')} />
      </Panel>
      {can(me, 'identity.terminal.register') && <Register />}
      {can(me, 'identity.badge.assign') && <AssignBadge />}
    </Screen>
  );
}
