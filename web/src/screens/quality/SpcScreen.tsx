import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { api, unwrap } from '../../api/client';
import { Empty, ErrorNote, Loading, When } from '../../ui/controls';
import { Panel } from '../../ui/page';
import { QualityControlChart, type ChartLine, type ChartPoint } from '../../ui/quality-chart';
import { Select } from '../../ui/select';
import { Table } from '../../ui/table';
import { KEYS, usePlans, type SpcChart } from './data';
import { num, ruleName } from './format';
import { spcRoute } from './routes';

/** Control charts: choose a plan and characteristic; the chart, its limits and its rule violations. */
export function SpcScreen() {
  const search = spcRoute.useSearch();
  const navigate = useNavigate({ from: '/quality/spc' });
  const plans = usePlans();
  const plan = plans.data?.find((p) => p.code === search.plan) ?? plans.data?.[0];
  const characteristic =
    plan?.characteristics.find((c) => c.name === search.characteristic) ?? plan?.characteristics[0];
  const chart = useQuery({
    queryKey: [...KEYS.spc, plan?.code, characteristic?.name],
    enabled: plan !== undefined && characteristic !== undefined,
    queryFn: () =>
      unwrap(
        api.GET('/api/quality/spc', {
          params: { query: { plan: plan!.code, characteristic: characteristic!.name, format: 'json' } },
        }),
      ) as Promise<SpcChart>,
  });
  if (plans.isPending) return <Loading what="inspection plans" />;
  if (plans.isError) return <ErrorNote error={plans.error} />;
  if (plan === undefined || characteristic === undefined)
    return <Empty title="No inspection plan yet" hint="Define a plan and record inspections to chart them." />;
  return (
    <Panel title="Control chart">
      <div className="row">
        <Select
          label="Inspection plan"
          value={plan.code}
          onChange={(code) => void navigate({ search: { plan: code } })}
          options={(plans.data ?? []).map((p) => ({ value: p.code, label: `${p.code} (${p.product})` }))}
        />
        <Select
          label="Characteristic"
          value={characteristic.name}
          onChange={(name) => void navigate({ search: { plan: plan.code, characteristic: name } })}
          options={plan.characteristics.map((c) => ({ value: c.name, label: `${c.name} (${c.unit})` }))}
        />
      </div>
      {chart.isPending ? (
        <Loading what="the control chart" />
      ) : chart.isError ? (
        <ErrorNote error={chart.error} />
      ) : (
        <ChartView chart={chart.data} />
      )}
    </Panel>
  );
}

function ChartView({ chart }: { chart: SpcChart }) {
  const c = chart.characteristic;
  const individuals = chart.kind === 'individuals-mr';
  const times = chart.inspectedAt.map((t) => new Date(t).getTime());
  const rulesAt = (kind: string, point: number) =>
    chart.violations.filter((v) => v.chart === kind && v.point === point).map((v) => ruleName(v.rule));
  const location: ChartPoint[] = chart.points.map((p, i) => ({
    index: i + 1,
    at: times[i]!,
    value: p.location,
    rules: rulesAt('location', i + 1),
  }));
  const dispersion: ChartPoint[] = chart.points.flatMap((p, i) =>
    p.dispersion === null
      ? []
      : [{ index: i + 1, at: times[i]!, value: p.dispersion, rules: rulesAt('dispersion', i + 1) }],
  );
  const limits = (l: SpcChart['location']): ChartLine[] => [
    { label: 'UCL', value: l.upper, kind: 'control' },
    { label: 'CL', value: l.center, kind: 'centre' },
    { label: 'LCL', value: l.lower, kind: 'control' },
  ];
  const names = individuals ? ['Individual value', 'Moving range'] : ['Subgroup mean (X̄)', 'Subgroup range (R)'];
  return (
    <>
      <p className="hint">
        {chart.points.length} inspections of {c.name}, {chart.subgroupSize} value(s) each; limits from the first{' '}
        {chart.baseline}. Specification {num(c.lower)} to {num(c.upper)} {c.unit}. Times in your time zone.
      </p>
      <QualityControlChart
        title={`${chart.plan} · ${c.name}: ${individuals ? 'individuals' : 'X̄'} chart`}
        unit={c.unit}
        valueLabel={names[0]!}
        points={location}
        lines={[
          ...limits(chart.location),
          { label: 'USL', value: c.upper, kind: 'spec' },
          { label: 'LSL', value: c.lower, kind: 'spec' },
        ]}
      />
      {dispersion.length > 1 && (
        <QualityControlChart
          title={`${chart.plan} · ${c.name}: ${individuals ? 'moving range' : 'range'} chart`}
          unit={c.unit}
          valueLabel={names[1]!}
          points={dispersion}
          lines={limits(chart.dispersion)}
        />
      )}
      <Table
        caption="Western Electric rule violations"
        rows={chart.violations}
        rowKey={(v) => `${v.chart}-${v.point}-${v.rule}`}
        columns={[
          { header: 'Point', cell: (v) => v.point, numeric: true },
          { header: 'Inspected', cell: (v) => <When at={chart.inspectedAt[v.point - 1]} /> },
          { header: 'Chart', cell: (v) => (v.chart === 'location' ? names[0] : names[1]) },
          {
            header: 'Value',
            cell: (v) => {
              const p = chart.points[v.point - 1];
              return num(v.chart === 'location' ? p?.location : p?.dispersion);
            },
            numeric: true,
          },
          { header: 'Rule', cell: (v) => `▲ ${ruleName(v.rule)}` },
          { header: 'Side', cell: (v) => `${v.side} the centre line` },
        ]}
        empty={{
          title: 'No rule violated',
          hint: 'The process is in statistical control over these inspections; nothing to investigate.',
        }}
      />
    </>
  );
}
