import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { Field, When } from '../../ui/controls';
import { Panel } from '../../ui/page';
import { Select } from '../../ui/select';
import { PagedTable } from '../../ui/table';
import { KEYS, usePlans } from './data';
import { Verdict } from './format';
import { RecordInspection } from './RecordInspection';

const ANY = 'any';

/** Inspections, newest first, filtered by lot, plan or result; and recording one for those who inspect. */
export function InspectionsScreen() {
  const me = useSignedIn();
  const plans = usePlans();
  const [lot, setLot] = useState('');
  const [plan, setPlan] = useState(ANY);
  const [result, setResult] = useState(ANY);
  const query = {
    lot: lot.trim() === '' ? undefined : lot.trim(),
    plan: plan === ANY ? undefined : plan,
    result: (['pass', 'fail'] as const).find((r) => r === result),
  };
  return (
    <>
      {can(me, 'quality.inspect') && <RecordInspection plans={plans.data ?? []} />}
      <Panel title="Inspections">
        <div className="row" role="search" aria-label="Filter inspections">
          <Field label="Lot" value={lot} onChange={setLot} placeholder="e.g. R-1003-01" />
          <Select
            label="Plan"
            value={plan}
            onChange={setPlan}
            options={[
              { value: ANY, label: 'Any plan' },
              ...(plans.data ?? []).map((p) => ({ value: p.code, label: p.code })),
            ]}
          />
          <Select
            label="Result"
            value={result}
            onChange={setResult}
            options={[
              { value: ANY, label: 'Any result' },
              { value: 'pass', label: 'Pass' },
              { value: 'fail', label: 'Fail' },
            ]}
          />
        </div>
        <PagedTable
          queryKey={[...KEYS.inspections, query]}
          fetchPage={(cursor) =>
            unwrap(api.GET('/api/quality/inspections', { params: { query: { ...query, cursor, limit: 25 } } }))
          }
          caption="Inspections, newest first"
          rowKey={(i) => i.id}
          columns={[
            { header: 'Inspected', cell: (i) => <When at={i.inspectedAt} /> },
            { header: 'Plan', cell: (i) => `${i.plan} v${i.planVersion}` },
            { header: 'Lot', cell: (i) => i.lot ?? '—' },
            { header: 'Work order', cell: (i) => i.order ?? '—' },
            { header: 'Result', cell: (i) => <Verdict result={i.result} /> },
          ]}
          empty={{
            title: 'No inspection matches',
            hint: 'Clear the filters, or record an inspection against a plan above.',
          }}
        />
      </Panel>
    </>
  );
}
