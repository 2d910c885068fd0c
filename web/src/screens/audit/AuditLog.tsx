import { useMutation, useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { ProblemError } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { Badge, Button, Empty, ErrorNote, Field, Loading, When } from '../../ui/controls';
import { Panel, Screen } from '../../ui/page';
import { Select } from '../../ui/select';
import { PagedTable } from '../../ui/table';
import '../../styles/trace.css';
import { latestCheckpoint, recordPage, verification, type ListedRecord } from './audit-api';
import type { AuditSearch, Outcome } from './routes';

const route = getRouteApi('/shell/audit');

export const OUTCOME_TONE = { success: 'good', denied: 'bad', failed: 'warn', error: 'bad' } as const;

/** The audit log: its integrity checked on demand, its latest signed checkpoint, and its records, filtered. */
export function AuditLog() {
  const me = useSignedIn();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  return (
    <Screen
      title="Audit log"
      intro="Every command and refusal, in order, chained and signed: check the log, then read any record with its proof."
    >
      <div className="grid-2">
        {can(me, 'audit.verify') && <VerifyPanel />}
        <CheckpointPanel />
      </div>
      <Panel title="Records">
        <Filters key={JSON.stringify(search)} search={search} onApply={(next) => void navigate({ search: next })} />
        <PagedTable<ListedRecord>
          queryKey={['audit', 'records', search]}
          fetchPage={(cursor) => recordPage(search, cursor)}
          caption="Audit records in sequence order"
          rowKey={(r) => String(r.seq)}
          columns={[
            {
              header: 'Seq',
              numeric: true,
              cell: (r) => (
                <Link to="/audit/$seq" params={{ seq: String(r.seq) }} aria-label={`Record ${r.seq}`}>
                  {r.seq}
                </Link>
              ),
            },
            { header: 'Time', cell: (r) => <When at={r.record.ts} /> },
            { header: 'Actor', cell: (r) => `${r.record.actor.id} (${r.record.actor.kind})` },
            { header: 'Action', cell: (r) => <code>{r.record.action}</code> },
            {
              header: 'Outcome',
              cell: (r) => <Badge tone={OUTCOME_TONE[r.record.outcome]}>{r.record.outcome.toUpperCase()}</Badge>,
            },
            {
              header: 'Target',
              cell: (r) => (r.record.target === undefined ? '—' : `${r.record.target.type} ${r.record.target.id}`),
            },
          ]}
          empty={{ title: 'No records match', hint: 'Widen the filters: clear a field or the time range.' }}
        />
      </Panel>
    </Screen>
  );
}

function Filters({ search, onApply }: { search: AuditSearch; onApply: (next: AuditSearch) => void }) {
  const [actor, setActor] = useState(search.actor ?? '');
  const [action, setAction] = useState(search.action ?? '');
  const [target, setTarget] = useState(search.target ?? '');
  const [outcome, setOutcome] = useState<string>(search.outcome ?? 'any');
  const [from, setFrom] = useState(search.from ?? '');
  const [to, setTo] = useState(search.to ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next: AuditSearch = {};
    if (actor.trim() !== '') next.actor = actor.trim();
    if (action.trim() !== '') next.action = action.trim();
    if (target.trim() !== '') next.target = target.trim();
    if (outcome !== 'any') next.outcome = outcome as Outcome;
    if (from !== '') next.from = from;
    if (to !== '') next.to = to;
    onApply(next);
  };
  return (
    <Form className="audit-filters" onSubmit={submit} aria-label="Filter audit records">
      <Field label="Actor" value={actor} onChange={setActor} hint="User or system ID" />
      <Field label="Action" value={action} onChange={setAction} hint="e.g. genealogy.lot.receive" />
      <Field label="Target" value={target} onChange={setTarget} hint="ID of what it acted on" />
      <Select
        label="Outcome"
        value={outcome}
        onChange={setOutcome}
        options={[
          { value: 'any', label: 'Any' },
          { value: 'success', label: 'Success' },
          { value: 'denied', label: 'Denied' },
          { value: 'failed', label: 'Failed' },
          { value: 'error', label: 'Error' },
        ]}
      />
      <div className="field">
        <label htmlFor="audit-from">From</label>
        <input id="audit-from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="audit-to">To</label>
        <input id="audit-to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
      </div>
      <div className="row">
        <Button type="submit">Filter</Button>
        <Button variant="secondary" onPress={() => onApply({})}>
          Clear
        </Button>
      </div>
    </Form>
  );
}

function VerifyPanel() {
  const check = useMutation({
    mutationFn: async () => ({ report: await verification(), at: new Date().toISOString() }),
  });
  const report = check.data?.report;
  return (
    <Panel title="Log integrity">
      <p>Recomputes every record's chain link and every checkpoint's root and signature on the server.</p>
      <Button onPress={() => check.mutate()} isDisabled={check.isPending}>
        {check.isPending ? 'Verifying…' : 'Verify the whole log now'}
      </Button>
      <ErrorNote error={check.error} />
      {report !== undefined && (
        <div role="status" className="verify-result">
          <p>
            <Badge tone={report.ok ? 'good' : 'bad'}>{report.ok ? 'LOG VERIFIED' : 'LOG DOES NOT VERIFY'}</Badge>{' '}
            checked <When at={check.data?.at} />
          </p>
          <dl className="facts">
            <dt>Records checked</dt>
            <dd>{report.recordsChecked}</dd>
            <dt>Checkpoints checked</dt>
            <dd>{report.checkpointsChecked}</dd>
            <dt>Latest checkpoint size</dt>
            <dd>{report.latestCheckpoint ?? 'none yet'}</dd>
            <dt>Records after it (not yet signed)</dt>
            <dd>{report.unsignedTail}</dd>
            <dt>Witnesses</dt>
            <dd>
              {report.witnesses.length === 0
                ? 'none configured'
                : `${report.witnesses.length}, ${report.witnessesComplete ? 'complete' : 'missing checkpoints'}`}
            </dd>
          </dl>
          {report.problems.length > 0 && (
            <ul className="problems" aria-label="Problems found">
              {report.problems.map((p, i) => (
                <li key={i}>
                  {p.kind}
                  {p.seq !== undefined && ` at record ${p.seq}`}: {p.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Panel>
  );
}

export function CheckpointPanel() {
  const latest = useQuery({ queryKey: ['audit', 'checkpoint'], queryFn: latestCheckpoint, retry: false });
  return (
    <Panel title="Latest signed checkpoint">
      {latest.isPending && <Loading what="the checkpoint" />}
      {latest.isError &&
        (latest.error instanceof ProblemError && latest.error.status === 404 ? (
          <Empty title="No checkpoint yet" hint="The log signs a checkpoint at its next interval; come back shortly." />
        ) : (
          <ErrorNote error={latest.error} />
        ))}
      {latest.data !== undefined && (
        <dl className="facts">
          <dt>Records covered</dt>
          <dd>{latest.data.treeSize}</dd>
          <dt>Root hash</dt>
          <dd>
            <code className="hash">{latest.data.rootHash}</code>
          </dd>
          <dt>Signed</dt>
          <dd>
            <When at={latest.data.timestamp} />
          </dd>
          <dt>Signature (Ed25519)</dt>
          <dd>
            <code className="hash">{latest.data.signature}</code>
          </dd>
        </dl>
      )}
    </Panel>
  );
}
