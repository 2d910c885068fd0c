import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { Form, Input, Label, SearchField } from 'react-aria-components';
import { api, execute, unwrap, type ProblemError } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { Button, ErrorNote, Loading, Notice, When } from '../../ui/controls';
import { Panel } from '../../ui/page';
import { Select } from '../../ui/select';
import { PagedTable } from '../../ui/table';
import { KEYS } from './data';
import { LotState } from './format';
import { lotsRoute, type LotSearch } from './routes';
import { TextArea } from './TextArea';

const STATES = ['available', 'held', 'consumed', 'scrapped'] as const;

/** Lots: find one by number, see its quality state, hold it with a reason or release it; the list by state. */
export function LotsScreen() {
  const search = lotsRoute.useSearch();
  const navigate = useNavigate({ from: '/quality/lots' });
  const [text, setText] = useState(search.lot ?? '');
  const go = (next: LotSearch) => void navigate({ search: next });
  return (
    <>
      <Panel title="Find a lot">
        <Form
          className="row"
          role="search"
          aria-label="Find a lot"
          onSubmit={(event) => {
            event.preventDefault();
            go({ ...search, lot: text.trim() === '' ? undefined : text.trim() });
          }}
        >
          <SearchField
            className="field"
            value={text}
            onChange={setText}
            onClear={() => go({ ...search, lot: undefined })}
          >
            <Label>Lot number</Label>
            <Input placeholder="e.g. R-1003-01" />
          </SearchField>
          <Button type="submit">Show the lot</Button>
        </Form>
        {search.lot !== undefined && <LotDetail number={search.lot} />}
      </Panel>
      <Panel title="Lots">
        <div className="row">
          <Select
            label="Quality state"
            value={search.state ?? 'all'}
            onChange={(next) => go({ ...search, state: STATES.find((s) => s === next) })}
            options={[
              { value: 'all', label: 'Any state' },
              { value: 'available', label: 'Available' },
              { value: 'held', label: 'On hold' },
              { value: 'consumed', label: 'Consumed' },
              { value: 'scrapped', label: 'Scrapped' },
            ]}
          />
        </div>
        <PagedTable
          queryKey={[...KEYS.lots, 'list', search.state]}
          fetchPage={(cursor) =>
            unwrap(api.GET('/api/lots', { params: { query: { state: search.state, cursor, limit: 25 } } }))
          }
          caption="Lots by number"
          rowKey={(l) => l.number}
          columns={[
            {
              header: 'Lot',
              cell: (l) => (
                <Link to="/quality/lots" search={{ ...search, lot: l.number }}>
                  {l.number}
                </Link>
              ),
            },
            { header: 'Material', cell: (l) => l.material },
            { header: 'Available', cell: (l) => `${l.available} of ${l.quantity} ${l.unit}`, numeric: true },
            { header: 'Quality state', cell: (l) => <LotState state={l.state} /> },
            { header: 'Made by', cell: (l) => l.order ?? (l.supplier !== null ? `received: ${l.supplier}` : '—') },
            { header: 'Since', cell: (l) => <When at={l.createdAt} /> },
          ]}
          empty={{ title: 'No lot in this state', hint: 'Choose another state, or any state.' }}
        />
      </Panel>
    </>
  );
}

function LotDetail({ number }: { number: string }) {
  const me = useSignedIn();
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const lot = useQuery({
    queryKey: [...KEYS.lots, 'one', number],
    queryFn: () => unwrap(api.GET('/api/lots/{number}', { params: { path: { number } } })),
    retry: false,
  });
  const change = useMutation({
    mutationFn: (action: 'hold' | 'release') =>
      execute(
        api.POST(action === 'hold' ? '/api/lots/hold' : '/api/lots/release', {
          body: { lot: number, reason: reason.trim() },
        }),
      ),
    onSuccess: async () => {
      setReason('');
      await Promise.all([KEYS.lots, KEYS.ncrs].map((queryKey) => client.invalidateQueries({ queryKey })));
    },
  });
  if (lot.isPending) return <Loading what={`lot ${number}`} />;
  if (lot.isError) return <ErrorNote error={lot.error} />;
  const l = lot.data;
  const mayHold = can(me, 'genealogy.hold');
  const action = l.state === 'available' ? 'hold' : l.state === 'held' ? 'release' : undefined;
  return (
    <section aria-label={`Lot ${l.number}`}>
      <h3>Lot {l.number}</h3>
      <dl className="quality-facts">
        <dt>Quality state</dt>
        <dd>
          <LotState state={l.state} />
        </dd>
        {l.holdReason !== null && (
          <>
            <dt>Hold reason</dt>
            <dd>{l.holdReason}</dd>
          </>
        )}
        <dt>Material</dt>
        <dd>{l.material}</dd>
        <dt>Available</dt>
        <dd>
          {l.available} of {l.quantity} {l.unit}
        </dd>
        <dt>Origin</dt>
        <dd>
          {l.order !== null ? `work order ${l.order}` : `received from ${l.supplier ?? '—'} (${l.supplierLot ?? '—'})`}
        </dd>
      </dl>
      {mayHold && action !== undefined && (
        <Form
          aria-label={action === 'hold' ? `Hold lot ${l.number}` : `Release lot ${l.number}`}
          onSubmit={(event) => {
            event.preventDefault();
            change.mutate(action);
          }}
        >
          <TextArea
            label={action === 'hold' ? 'Reason for the hold' : 'Reason for the release'}
            value={reason}
            onChange={setReason}
            isRequired
            error={(change.error as ProblemError | null)?.fields['/reason']}
          />
          <Button type="submit" variant={action === 'hold' ? 'danger' : 'primary'} isDisabled={change.isPending}>
            {action === 'hold' ? 'Put on hold' : 'Release'}
          </Button>
        </Form>
      )}
      <ErrorNote error={change.error} />
      {change.isSuccess && (
        <Notice>
          Lot {change.data.number} is now {change.data.state === 'held' ? 'on hold' : change.data.state}.
        </Notice>
      )}
    </section>
  );
}
