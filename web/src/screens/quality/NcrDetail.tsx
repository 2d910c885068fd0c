import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { Form } from 'react-aria-components';
import { api, isPending, run, unwrap, type ProblemError } from '../../api/client';
import { can, useSignedIn, type Me } from '../../session/me';
import { Button, ErrorNote, Loading, Notice, When } from '../../ui/controls';
import { Panel } from '../../ui/page';
import { Select } from '../../ui/select';
import { KEYS, type Ncr } from './data';
import { DISPOSITIONS, dispositionLabel, LotState, NcrState } from './format';
import { TextArea } from './TextArea';

/** Everything a disposition or an approval changes: the report, its lot, the lists. */
function useRefresh() {
  const client = useQueryClient();
  return () =>
    Promise.all([KEYS.ncrs, KEYS.lots, ['approvals']].map((queryKey) => client.invalidateQueries({ queryKey })));
}

/** One report: what is wrong, its lot's state, its disposition — or the disposition waiting for a second person. */
export function NcrDetail({ number }: { number: string }) {
  const me = useSignedIn();
  const ncr = useQuery({
    queryKey: [...KEYS.ncrs, 'one', number],
    queryFn: async () =>
      (await unwrap(api.GET('/api/quality/ncrs', { params: { query: { number, limit: 1 } } }))).items[0] ?? null,
  });
  return (
    <Panel title={number}>
      {ncr.isPending ? (
        <Loading what={number} />
      ) : ncr.isError ? (
        <ErrorNote error={ncr.error} />
      ) : ncr.data === null ? (
        <ErrorNote error={new Error(`No report ${number} that you may see.`)} />
      ) : (
        <NcrBody ncr={ncr.data} me={me} />
      )}
    </Panel>
  );
}

function NcrBody({ ncr, me }: { ncr: Ncr; me: Me }) {
  const lot = useQuery({
    queryKey: [...KEYS.lots, 'one', ncr.lot],
    enabled: ncr.lot !== null,
    queryFn: () => unwrap(api.GET('/api/lots/{number}', { params: { path: { number: ncr.lot! } } })),
  });
  return (
    <>
      <dl className="quality-facts">
        <dt>State</dt>
        <dd>
          <NcrState ncr={ncr} />
        </dd>
        <dt>What is wrong</dt>
        <dd>{ncr.description}</dd>
        <dt>Opened</dt>
        <dd>
          <When at={ncr.createdAt} />
        </dd>
        <dt>Lot</dt>
        <dd>
          {ncr.lot === null ? (
            'none'
          ) : (
            <>
              <Link to="/quality/lots" search={{ lot: ncr.lot }}>
                {ncr.lot}
              </Link>{' '}
              {lot.data !== undefined && <LotState state={lot.data.state} />}
            </>
          )}
        </dd>
        {ncr.state === 'closed' && (
          <>
            <dt>Disposition</dt>
            <dd>{dispositionLabel(ncr.disposition)}</dd>
            <dt>Reason</dt>
            <dd>{ncr.dispositionReason}</dd>
            <dt>Dispositioned by</dt>
            <dd>{ncr.dispositionedBy ?? '—'}</dd>
            <dt>Approved by</dt>
            <dd>{ncr.approvedBy ?? 'no second approval needed'}</dd>
            <dt>Closed</dt>
            <dd>
              <When at={ncr.closedAt} />
            </dd>
          </>
        )}
      </dl>
      {ncr.pendingDisposition !== null && <PendingDisposition ncr={ncr} me={me} />}
      {ncr.state === 'open' && ncr.pendingDisposition === null && can(me, 'quality.ncr.manage') && (
        <Disposition ncr={ncr} />
      )}
    </>
  );
}

function PendingDisposition({ ncr, me }: { ncr: Ncr; me: Me }) {
  const pending = ncr.pendingDisposition!;
  const refresh = useRefresh();
  const decide = useMutation({
    mutationFn: (choice: 'approve' | 'reject') =>
      unwrap(
        api.POST(choice === 'approve' ? '/api/approvals/{id}/approve' : '/api/approvals/{id}/reject', {
          params: { path: { id: pending.approvalId } },
        }),
      ),
    onSuccess: refresh,
  });
  const mine = pending.requestedBy === me.username;
  const mayDecide = can(me, 'approval.decide') && can(me, 'quality.ncr.manage') && !mine;
  return (
    <div className="quality-pending" role="status">
      <p>
        <strong>Waiting for approval by a second person:</strong> {dispositionLabel(pending.disposition)} proposed by{' '}
        {pending.requestedBy} at <When at={pending.requestedAt} /> ({pending.approvals} of {pending.required} approval
        {pending.required === 1 ? '' : 's'}; the request lapses at <When at={pending.expiresAt} />
        ).
      </p>
      <p>Reason: {pending.reason}</p>
      {mayDecide ? (
        <div className="row">
          <Button onPress={() => decide.mutate('approve')} isDisabled={decide.isPending}>
            Approve
          </Button>
          <Button variant="danger" onPress={() => decide.mutate('reject')} isDisabled={decide.isPending}>
            Reject
          </Button>
        </div>
      ) : (
        <p>
          {mine
            ? 'You proposed it: another person who may disposition non-conformances must approve it.'
            : 'A person who may disposition non-conformances, other than the one who proposed it, must approve it.'}
        </p>
      )}
      <ErrorNote error={decide.error} />
    </div>
  );
}

function Disposition({ ncr }: { ncr: Ncr }) {
  const refresh = useRefresh();
  const [disposition, setDisposition] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const submit = useMutation({
    mutationFn: (choice: 'rework' | 'scrap' | 'use-as-is') =>
      run(
        api.POST('/api/quality/ncrs/disposition', {
          body: { ncr: ncr.number, disposition: choice, reason: reason.trim() },
        }),
      ),
    onSuccess: refresh,
  });
  const fields = (submit.error as ProblemError | null)?.fields ?? {};
  const chosen = DISPOSITIONS.find((d) => d.value === disposition)?.value as
    'rework' | 'scrap' | 'use-as-is' | undefined;
  return (
    <Form
      aria-label={`Disposition ${ncr.number}`}
      onSubmit={(event) => {
        event.preventDefault();
        if (chosen !== undefined) submit.mutate(chosen);
      }}
    >
      <Select label="Disposition" value={disposition} onChange={setDisposition} options={DISPOSITIONS} isRequired />
      <TextArea label="Reason" value={reason} onChange={setReason} isRequired error={fields['/reason']} />
      <Button type="submit" isDisabled={chosen === undefined || submit.isPending}>
        Disposition {ncr.number}
      </Button>
      <ErrorNote error={submit.error} />
      {submit.isSuccess && (
        <Notice>
          {isPending(submit.data)
            ? 'Sent for approval: a second person must approve it before it takes effect.'
            : `${ncr.number} is closed: ${dispositionLabel(submit.data.disposition)}.`}
        </Notice>
      )}
    </Form>
  );
}
