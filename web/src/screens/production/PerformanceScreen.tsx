import { useNavigate } from '@tanstack/react-router';
import { Empty, ErrorNote, Loading } from '../../ui/controls';
import { Screen } from '../../ui/page';
import { Select } from '../../ui/select';
import { DowntimePanel, FiguresPanel, MachinesPanel, ShiftSummary, TrendPanel } from './performance-panels';
import { bucketsOf, RANGE_LABELS, rangeWindow, useNow } from './performance-data';
import { linesOf, machinesUnder, usePlant, type PlantNode } from './plant';
import { performanceRoute } from './routes';
import { RANGES, type PerformanceSearch, type Range } from './search';
import '../../styles/production.css';

/** The places worth a look: each line, and under it its machines. */
function choices(nodes: PlantNode[]) {
  return linesOf(nodes).flatMap((line) => [
    { value: line.path, label: `${line.name} (line)` },
    ...machinesUnder(nodes, line.path).map((m) => ({ value: m.path, label: `${line.name} › ${m.name} (${m.code})` })),
  ]);
}

/** OEE with its three factors over time, machine by machine, and where the down time went. */
export function PerformanceScreen() {
  const search = performanceRoute.useSearch();
  const navigate = useNavigate({ from: performanceRoute.fullPath });
  const plant = usePlant();
  const now = useNow();
  const set = (change: Partial<PerformanceSearch>) =>
    void navigate({ search: (old) => ({ ...old, ...change }), replace: true });
  if (plant.isPending) return <Loading what="the plant" />;
  if (plant.isError) return <ErrorNote error={plant.error} />;
  const options = choices(plant.data);
  const equipment = search.equipment ?? options[0]?.value ?? '';
  const range: Range = search.range ?? '8h';
  const window = rangeWindow(range, now);
  const node = plant.data.find((n) => n.path === equipment);
  const machines = machinesUnder(plant.data, equipment);
  const name = node?.name ?? equipment;
  return (
    <Screen title="Performance" intro="OEE and its losses: availability, performance and quality, and down time.">
      <div className="row controls">
        <Select label="Line or machine" value={equipment} options={options} onChange={(v) => set({ equipment: v })} />
        <Select
          label="Time range"
          value={range}
          options={RANGES.map((r) => ({ value: r, label: RANGE_LABELS[r] }))}
          onChange={(v) => set({ range: v as Range })}
        />
      </div>
      {equipment === '' ? (
        <Empty title="No line in the plant model" hint="Add a line and its machines in the plant model first." />
      ) : (
        <>
          <FiguresPanel equipment={equipment} name={name} from={window.from} to={window.to} range={range} />
          <TrendPanel equipment={equipment} name={name} buckets={bucketsOf(range, now)} now={now} range={range} />
          {machines.length > 0 && <MachinesPanel machines={machines} name={name} range={range} />}
          <DowntimePanel equipment={equipment} name={name} from={window.from} to={window.to} range={range} />
          <ShiftSummary equipment={equipment} name={name} />
        </>
      )}
    </Screen>
  );
}
