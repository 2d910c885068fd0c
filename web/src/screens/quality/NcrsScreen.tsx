import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { Form } from 'react-aria-components';
import { api, execute, unwrap, type ProblemError } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { Button, ErrorNote, Field, Notice, When } from '../../ui/controls';
import { Panel } from '../../ui/page';
import { Select } from '../../ui/select';
import { PagedTable } from '../../ui/table';
import { KEYS } from './data';
import { dispositionLabel, NcrState } from './format';
import { NcrDetail } from './NcrDetail';
import { ncrsRoute } from './routes';
import { TextArea } from './TextArea';

/** Non-conformance reports: the list, one report with its disposition (and approval), and opening a new one. */
export function NcrsScreen() {
  const me = useSignedIn();
  const search = ncrsRoute.useSearch();
  const navigate = useNavigate({ from: '/quality/ncrs' });
  const state = search.state ?? 'all';
  return (
    <>
      {search.ncr !== undefined && <NcrDetail number={search.ncr} />}
      <Panel title="Non-conformance reports">
        <div className="row" role="search" aria-label="Filter non-conformance reports">
          <Select
            label="State"
            value={state}
            onChange={(next) =>
              void navigate({
                search: { ncr: search.ncr, state: next === 'open' || next === 'closed' ? next : undefined },
              })
            }
            options={[
              { value: 'all', label: 'Open and closed' },
              { value: 'open', label: 'Open' },
              { value: 'closed', label: 'Closed' },
            ]}
          />
        </div>
        <PagedTable
          queryKey={[...KEYS.ncrs, 'list', search.state]}
          fetchPage={(cursor) =>
            unwrap(api.GET('/api/quality/ncrs', { params: { query: { state: search.state, cursor, limit: 25 } } }))
          }
          caption="Non-conformance reports, newest first"
          rowKey={(n) => n.number}
          columns={[
            {
              header: 'Report',
              cell: (n) => (
                <Link to="/quality/ncrs" search={{ ncr: n.number, state: search.state }}>
                  {n.number}
                </Link>
              ),
            },
            { header: 'Lot', cell: (n) => n.lot ?? '—' },
            { header: 'Description', cell: (n) => n.description },
            { header: 'State', cell: (n) => <NcrState ncr={n} /> },
            { header: 'Disposition', cell: (n) => dispositionLabel(n.disposition) },
            { header: 'Opened', cell: (n) => <When at={n.createdAt} /> },
          ]}
          empty={{
            title: 'No non-conformance report',
            hint: 'A failed inspection opens one; you can also open one below for a complaint or a finding.',
          }}
        />
      </Panel>
      {can(me, 'quality.ncr.manage') && <RaiseNcr />}
    </>
  );
}

function RaiseNcr() {
  const client = useQueryClient();
  const navigate = useNavigate({ from: '/quality/ncrs' });
  const [lot, setLot] = useState('');
  const [description, setDescription] = useState('');
  const raise = useMutation({
    mutationFn: () =>
      execute(
        api.POST('/api/quality/ncrs', {
          body: { description: description.trim(), ...(lot.trim() !== '' ? { lot: lot.trim() } : {}) },
        }),
      ),
    onSuccess: async (ncr) => {
      setLot('');
      setDescription('');
      await Promise.all([KEYS.ncrs, KEYS.lots].map((queryKey) => client.invalidateQueries({ queryKey })));
      await navigate({ search: { ncr: ncr.number } });
    },
  });
  const fields = (raise.error as ProblemError | null)?.fields ?? {};
  return (
    <Panel title="Open a non-conformance report">
      <Form
        onSubmit={(event) => {
          event.preventDefault();
          raise.mutate();
        }}
      >
        <Field
          label="Lot (optional)"
          hint="An available lot is put on hold."
          value={lot}
          onChange={setLot}
          error={fields['/lot']}
        />
        <TextArea
          label="What is wrong"
          value={description}
          onChange={setDescription}
          isRequired
          error={fields['/description']}
        />
        <Button type="submit" isDisabled={raise.isPending}>
          Open the report
        </Button>
      </Form>
      <ErrorNote error={raise.error} />
      {raise.isSuccess && (
        <Notice>
          {raise.data.number} is open{raise.data.lot !== null ? `; lot ${raise.data.lot} is on hold` : ''}.
        </Notice>
      )}
    </Panel>
  );
}
