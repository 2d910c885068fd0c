import { urlOf } from '../../api/client';
import { Empty, ErrorNote, Loading } from '../../ui/controls';
import { Panel } from '../../ui/page';
import { Table } from '../../ui/table';
import { MachinesChart, ParetoChart, TrendChart } from './charts';
import {
  minutes,
  percent,
  RANGE_LABELS,
  timeLabel,
  useDowntime,
  useOee,
  useOeeEach,
  useTrend,
  type Bucket,
  type Oee,
} from './performance-data';
import type { PlantNode } from './plant';
import type { Range } from './search';

const iso = (t: number) => new Date(t).toISOString();
const scrapOf = (o: Oee) => Math.max(0, o.total - o.good);

/** The headline figures, written out (they are what the charts draw). */
function Figures({ oee, label }: { oee: Oee; label: string }) {
  const items: [string, string][] = [
    ['Availability', percent(oee.availability)],
    ['Performance', percent(oee.performance)],
    ['Quality', percent(oee.quality)],
    ['OEE', percent(oee.oee)],
    ['Good parts', String(oee.good)],
    ['Scrap parts', String(scrapOf(oee))],
    ['Down time', minutes(oee.downMinutes)],
  ];
  return (
    <dl className="figures" aria-label={label}>
      {items.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function FiguresPanel(props: { equipment: string; name: string; from: number; to: number; range: Range }) {
  const oee = useOee(props.equipment, props.range);
  const svg = urlOf('/api/performance/oee', {
    equipment: props.equipment,
    from: iso(props.from),
    to: iso(props.to),
    format: 'svg',
  });
  return (
    <Panel title={`OEE of ${props.name}, ${RANGE_LABELS[props.range].toLowerCase()}`}>
      {oee.isPending ? (
        <Loading what="OEE" />
      ) : oee.isError ? (
        <ErrorNote error={oee.error} />
      ) : (
        <>
          <Figures oee={oee.data} label={`OEE figures of ${props.name}`} />
          {oee.data.warnings.length > 0 && (
            <ul className="warnings">
              {oee.data.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
        </>
      )}
      <p>
        <a href={svg} download>
          Export the OEE chart (SVG)
        </a>
      </p>
    </Panel>
  );
}

export function TrendPanel(props: { equipment: string; name: string; buckets: Bucket[]; now: number; range: Range }) {
  const answers = useTrend(props.equipment, props.buckets, props.now);
  const error = answers.find((a) => a.isError)?.error;
  const points = props.buckets.map((b, i) => {
    // A period without any machine data has no figures (rather than zeros that read as a stopped line).
    const answer = answers[i]?.data;
    const o = answer === undefined || answer.plannedMinutes === 0 ? undefined : answer;
    return {
      at: b.from,
      to: b.to,
      availability: o?.availability ?? null,
      performance: o?.performance ?? null,
      quality: o === undefined || o.total === 0 ? null : o.quality,
      oee: o?.oee ?? null,
    };
  });
  const label = (t: number) => timeLabel(t, props.range);
  return (
    <Panel title="OEE over time">
      <ErrorNote error={error} />
      <TrendChart
        points={points}
        timeLabel={label}
        label={`OEE, availability, performance and quality of ${props.name} over time; the table below gives the figures.`}
      />
      <details>
        <summary>The figures of the chart</summary>
        <Table
          caption={`OEE of ${props.name} by period`}
          rows={points}
          rowKey={(p) => String(p.at)}
          columns={[
            { header: 'From', cell: (p) => label(p.at) },
            { header: 'To', cell: (p) => label(p.to) },
            { header: 'Availability', cell: (p) => percent(p.availability), numeric: true },
            { header: 'Performance', cell: (p) => percent(p.performance), numeric: true },
            { header: 'Quality', cell: (p) => percent(p.quality), numeric: true },
            { header: 'OEE', cell: (p) => percent(p.oee), numeric: true },
          ]}
          empty={{ title: 'No period yet', hint: 'Choose a longer time range.' }}
        />
      </details>
    </Panel>
  );
}

export function MachinesPanel(props: { machines: PlantNode[]; name: string; range: Range }) {
  const answers = useOeeEach(
    props.machines.map((m) => m.path),
    props.range,
  );
  const error = answers.find((a) => a.isError)?.error;
  const rows = props.machines.map((m, i) => ({ machine: m, oee: answers[i]?.data }));
  const bars = rows.map((r) => ({
    machine: r.machine.code,
    availability: r.oee?.availability ?? 0,
    performance: r.oee?.performance ?? 0,
    quality: r.oee?.quality ?? 0,
    oee: r.oee?.oee ?? 0,
  }));
  const figure = (pick: (o: Oee) => string) => (r: (typeof rows)[number]) => (r.oee ? pick(r.oee) : '…');
  return (
    <Panel title={`Machines of ${props.name}`}>
      <ErrorNote error={error} />
      <MachinesChart rows={bars} label={`OEE of each machine of ${props.name}; the table below gives the figures.`} />
      <Table
        caption={`OEE per machine of ${props.name}`}
        rows={rows}
        rowKey={(r) => r.machine.path}
        columns={[
          { header: 'Machine', cell: (r) => r.machine.name },
          { header: 'Path', cell: (r) => r.machine.path },
          { header: 'Availability', cell: figure((o) => percent(o.availability)), numeric: true },
          { header: 'Performance', cell: figure((o) => percent(o.performance)), numeric: true },
          { header: 'Quality', cell: figure((o) => percent(o.quality)), numeric: true },
          { header: 'OEE', cell: figure((o) => percent(o.oee)), numeric: true },
          { header: 'Good', cell: figure((o) => String(o.good)), numeric: true },
          { header: 'Scrap', cell: figure((o) => String(scrapOf(o))), numeric: true },
        ]}
        empty={{ title: 'No machines', hint: 'Add machines under this line in the plant model.' }}
      />
    </Panel>
  );
}

export function DowntimePanel(props: { equipment: string; name: string; from: number; to: number; range: Range }) {
  const downtime = useDowntime(props.equipment, props.range);
  const svg = urlOf('/api/performance/downtime', {
    equipment: props.equipment,
    from: iso(props.from),
    to: iso(props.to),
    format: 'svg',
  });
  return (
    <Panel title="Down time by reason">
      {downtime.isPending ? (
        <Loading what="down time" />
      ) : downtime.isError ? (
        <ErrorNote error={downtime.error} />
      ) : downtime.data.reasons.length === 0 ? (
        <Empty title="No down time" hint="No stop was recorded here in this time range." />
      ) : (
        <>
          <ParetoChart
            reasons={downtime.data.reasons}
            label={`Down time at ${props.name} by reason, largest first; the table below gives the figures.`}
          />
          <Table
            caption={`Down time at ${props.name} by reason (Pareto)`}
            rows={downtime.data.reasons}
            rowKey={(r) => r.reason}
            columns={[
              { header: 'Reason', cell: (r) => r.reason },
              { header: 'Down time', cell: (r) => minutes(r.minutes), numeric: true },
              { header: 'Stops', cell: (r) => r.stops, numeric: true },
              { header: 'Cumulative share', cell: (r) => percent(r.cumulativeShare), numeric: true },
            ]}
            empty={{ title: 'No down time', hint: 'No stop was recorded here in this time range.' }}
          />
        </>
      )}
      <p>
        <a href={svg} download>
          Export the Pareto chart (SVG)
        </a>
      </p>
    </Panel>
  );
}

/** What a shift hand-over needs: the last 8 hours' output, OEE and the three largest causes of down time. */
export function ShiftSummary(props: { equipment: string; name: string }) {
  const oee = useOee(props.equipment, 'last8h');
  const downtime = useDowntime(props.equipment, 'last8h');
  const top = (downtime.data?.reasons ?? []).slice(0, 3);
  return (
    <Panel title="Shift summary (last 8 hours)">
      <ErrorNote error={oee.error ?? downtime.error} />
      {oee.data && (
        <dl className="figures" aria-label={`Shift summary of ${props.name}`}>
          <div>
            <dt>Good parts</dt>
            <dd>{oee.data.good}</dd>
          </div>
          <div>
            <dt>Scrap parts</dt>
            <dd>{scrapOf(oee.data)}</dd>
          </div>
          <div>
            <dt>OEE</dt>
            <dd>{percent(oee.data.oee)}</dd>
          </div>
        </dl>
      )}
      <h3>Top down-time reasons</h3>
      {top.length === 0 ? (
        <p>No down time in the last 8 hours.</p>
      ) : (
        <ol className="top-reasons">
          {top.map((r) => (
            <li key={r.reason}>
              {r.reason}: {minutes(r.minutes)} in {r.stops} {r.stops === 1 ? 'stop' : 'stops'}
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}
