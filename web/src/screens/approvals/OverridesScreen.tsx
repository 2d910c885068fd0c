import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Input, Label, NumberField } from 'react-aria-components';
import { api, execute, unwrap } from '../../api/client';
import { useSignedIn } from '../../session/me';
import { Button, ErrorNote, Field, Loading, Notice, When } from '../../ui/controls';
import { Panel, Screen } from '../../ui/page';
import { Select } from '../../ui/select';
import { Table } from '../../ui/table';
import '../../styles/maintenance.css';

const OVERRIDES_KEY = ['overrides'] as const;

type Live = Awaited<ReturnType<typeof listOverrides>>['overrides'][number];
const listOverrides = () => unwrap(api.GET('/api/overrides'));

/**
 * The grant form. Only what the supervisor holds can be handed on (the server checks it again), and never an
 * identity permission; nobody can be given an override by themselves.
 */
function GrantOverride({ onDone }: { onDone: (message: string) => void }) {
  const me = useSignedIn();
  const client = useQueryClient();
  const accounts = useQuery({
    queryKey: [...OVERRIDES_KEY, 'accounts'],
    queryFn: () => unwrap(api.GET('/api/overrides/accounts')),
  });
  const places = useQuery({
    queryKey: ['plant', 'nodes'],
    queryFn: () => unwrap(api.GET('/api/plant')),
    staleTime: 60_000,
  });
  const [userId, setUserId] = useState<string | null>(null);
  const [permission, setPermission] = useState<string | null>(null);
  const [scope, setScope] = useState<string>('/');
  const [minutes, setMinutes] = useState(15);
  const [reason, setReason] = useState('');
  const grant = useMutation({
    mutationFn: () =>
      execute(
        api.POST('/api/overrides', {
          body: { userId: userId ?? '', permission: permission ?? '', scope, minutes, reason },
        }),
      ),
    onSuccess: async (result) => {
      const who = accounts.data?.accounts.find((a) => a.id === userId)?.username ?? 'the account';
      onDone(`${who} may use ${permission ?? ''} at ${scope} until ${new Date(result.expiresAt).toLocaleString()}.`);
      setReason('');
      await client.invalidateQueries({ queryKey: OVERRIDES_KEY });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    grant.mutate();
  };
  const people = (accounts.data?.accounts ?? [])
    .filter((a) => a.id !== me.id)
    // A supervisor holds no personal-data clearance: the server masks display names ('•••'), so name by account.
    .map((a) => ({ value: a.id, label: a.displayName === '•••' ? a.username : `${a.displayName} (${a.username})` }));
  const permissions = me.permissions
    .filter((p) => !p.startsWith('identity.') && !p.startsWith('approval.'))
    .map((p) => ({ value: p, label: p }));
  const scopes = [
    { value: '/', label: 'Everywhere (/)' },
    ...(places.data?.nodes ?? [])
      .filter((n) => !n.retired && n.path !== '/')
      .map((n) => ({ value: n.path, label: `${n.name} — ${n.path}` })),
  ];
  return (
    <form onSubmit={submit} aria-label="Grant an override" className="override-form">
      <ErrorNote error={accounts.error} />
      <div className="row">
        <Select label="Person" options={people} value={userId} onChange={setUserId} isRequired />
        <Select
          label="Blocked action (permission)"
          options={permissions}
          value={permission}
          onChange={setPermission}
          isRequired
        />
        <Select label="Where" options={scopes} value={scope} onChange={setScope} />
        <NumberField
          className="field"
          minValue={1}
          maxValue={60}
          value={minutes}
          onChange={(v) => setMinutes(Number.isNaN(v) ? 1 : v)}
          isRequired
        >
          <Label>Minutes (1 to 60)</Label>
          <Input />
        </NumberField>
      </div>
      <Field
        label="Reason"
        value={reason}
        onChange={setReason}
        hint="Why the action must happen now, at least 5 characters; it is recorded in the audit log."
        isRequired
      />
      <ErrorNote error={grant.error} />
      <Button type="submit" isDisabled={grant.isPending || userId === null || permission === null}>
        Grant the override
      </Button>
    </form>
  );
}

/** Supervisor overrides: authorise one blocked action for one person, at one place, for a few minutes. */
export function OverridesScreen() {
  const [done, setDone] = useState<string | null>(null);
  const live = useQuery({ queryKey: [...OVERRIDES_KEY, 'live'], queryFn: listOverrides });
  return (
    <Screen
      title="Supervisor overrides"
      intro="Let one person do one blocked action, at one place, for up to an hour. Every override is audited."
    >
      {done !== null && <Notice>{done}</Notice>}
      <Panel title="Grant an override">
        <GrantOverride onDone={setDone} />
      </Panel>
      <Panel title="Overrides in force">
        {live.isPending ? (
          <Loading what="overrides" />
        ) : live.isError ? (
          <ErrorNote error={live.error} />
        ) : (
          <Table<Live>
            caption="Overrides in force, newest first"
            rows={live.data.overrides}
            rowKey={(o) => o.id}
            empty={{ title: 'No override in force', hint: 'An override you grant shows here until it expires.' }}
            columns={[
              { header: 'Person', cell: (o) => o.username ?? o.userId },
              { header: 'Permission', cell: (o) => o.permission },
              { header: 'Where', cell: (o) => o.scope },
              { header: 'Reason', cell: (o) => o.reason },
              { header: 'Granted by', cell: (o) => o.grantedBy ?? '—' },
              { header: 'Until', cell: (o) => <When at={o.expiresAt} /> },
            ]}
          />
        )}
      </Panel>
    </Screen>
  );
}
