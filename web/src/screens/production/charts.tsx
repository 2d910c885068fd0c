import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { Downtime } from './performance-data';

/*
 * The charts are pictures for the eye; each screen gives the same figures as a table beside them, so the
 * chart is one labelled image to a screen reader (recharts' keyboard layer is switched off: the table is the
 * accessible way through the numbers).
 */

export interface TrendPoint {
  at: number;
  availability: number | null;
  performance: number | null;
  quality: number | null;
  oee: number | null;
}

const SERIES: { key: keyof Omit<TrendPoint, 'at'>; name: string; colour: string; dash?: string }[] = [
  { key: 'oee', name: 'OEE', colour: '#0b5cad' },
  { key: 'availability', name: 'Availability', colour: '#1b6e37', dash: '6 3' },
  { key: 'performance', name: 'Performance', colour: '#8a5300', dash: '2 3' },
  { key: 'quality', name: 'Quality', colour: '#6b3fa0', dash: '10 4' },
];

const pct = (v: number) => `${Math.round(v * 100)}\u00a0%`;
/** Up to 100 %, or further when a figure goes over (counts booked in a period whose run time lay before it). */
const RATIO_DOMAIN: [number, (max: number) => number] = [0, (max) => Math.max(1, Math.ceil(max * 10) / 10)];

export function TrendChart({
  points,
  label,
  timeLabel,
}: {
  points: TrendPoint[];
  label: string;
  timeLabel: (t: number) => string;
}) {
  return (
    <figure className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid stroke="#c9d1d9" strokeDasharray="3 3" />
          <XAxis dataKey="at" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={timeLabel} />
          <YAxis domain={RATIO_DOMAIN} tickFormatter={pct} width={56} />
          <Tooltip
            labelFormatter={(t) => timeLabel(Number(t))}
            formatter={(v) => (typeof v === 'number' ? `${(v * 100).toFixed(1)} %` : 'n/a')}
          />
          <Legend />
          {SERIES.map((s) => (
            <Line
              key={s.key}
              dataKey={s.key}
              name={s.name}
              stroke={s.colour}
              strokeDasharray={s.dash}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

export function ParetoChart({ reasons, label }: { reasons: Downtime['reasons']; label: string }) {
  return (
    <figure className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={reasons} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid stroke="#c9d1d9" strokeDasharray="3 3" />
          <XAxis dataKey="reason" interval={0} />
          <YAxis tickFormatter={(v: number) => `${v}\u00a0min`} width={72} />
          <Tooltip formatter={(v) => `${Number(v).toFixed(1)} min`} />
          <Bar dataKey="minutes" name="Down time" fill="#b3261e" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

export interface MachineBar {
  machine: string;
  availability: number;
  performance: number;
  quality: number;
  oee: number;
}

export function MachinesChart({ rows, label }: { rows: MachineBar[]; label: string }) {
  return (
    <figure className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid stroke="#c9d1d9" strokeDasharray="3 3" />
          <XAxis dataKey="machine" interval={0} />
          <YAxis domain={RATIO_DOMAIN} tickFormatter={pct} width={56} />
          <Tooltip formatter={(v) => `${(Number(v) * 100).toFixed(1)} %`} />
          <Legend />
          {SERIES.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.colour} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
