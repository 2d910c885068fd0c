import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** One plotted point: when it was inspected (ms), its value, and the run rules it completes (none: in control). */
export interface ChartPoint {
  index: number;
  at: number;
  value: number;
  rules: string[];
}

export interface ChartLine {
  label: string;
  value: number;
  kind: 'centre' | 'control' | 'spec';
}

/** The same colours as styles/quality.css gives the legend (recharts draws with attributes, not classes). */
const STROKE = { centre: '#1a1f24', control: '#8a5300', spec: '#6b3fa0', series: '#0b5cad' } as const;

const round = (value: number) => String(Number(value.toFixed(4)));

/** Time ticks as fine as the span needs, in the person's own time zone (the browser's). */
function timeFormat(span: number): (at: number) => string {
  const options: Intl.DateTimeFormatOptions =
    span < 10_000
      ? { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 }
      : span < 120_000
        ? { hour: '2-digit', minute: '2-digit', second: '2-digit' }
        : span < 86_400_000
          ? { hour: '2-digit', minute: '2-digit' }
          : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' };
  const format = new Intl.DateTimeFormat(undefined, options);
  return (at) => format.format(new Date(at));
}

/** In control: a blue circle. Completing a rule: a red triangle, larger — shape and colour both differ. */
function Mark({ cx, cy, payload }: { cx?: number; cy?: number; payload?: ChartPoint }) {
  if (cx === undefined || cy === undefined || payload === undefined) return null;
  if (payload.rules.length === 0) return <circle cx={cx} cy={cy} r={3.5} className="quality-mark-ok" />;
  return (
    <path
      d={`M ${cx} ${cy - 7} L ${cx + 6.5} ${cy + 5} L ${cx - 6.5} ${cy + 5} Z`}
      className="quality-mark-violation"
    />
  );
}

function PointTip({
  active,
  payload,
  unit,
}: {
  active?: boolean;
  payload?: readonly { payload?: unknown }[];
  unit: string;
}) {
  const point = payload?.[0]?.payload as ChartPoint | undefined;
  if (active !== true || point === undefined) return null;
  return (
    <div className="quality-tip">
      <div>
        Point {point.index}: {new Date(point.at).toLocaleString()}
      </div>
      <div>
        {round(point.value)} {unit}
      </div>
      {point.rules.length === 0 ? <div>In control</div> : point.rules.map((r) => <div key={r}>▲ {r}</div>)}
    </div>
  );
}

/**
 * A Shewhart chart drawn with recharts over a time axis: the points, the centre line, the control limits and
 * (when given) the specification limits. Its figure caption names it; the legend under it explains every mark.
 */
export function QualityControlChart({
  title,
  unit,
  valueLabel,
  points,
  lines,
}: {
  title: string;
  unit: string;
  valueLabel: string;
  points: ChartPoint[];
  lines: ChartLine[];
}) {
  const all = [...points.map((p) => p.value), ...lines.map((l) => l.value)];
  const low = Math.min(...all);
  const high = Math.max(...all);
  // A flat series still gets a visible band around it.
  const spread = high - low > 0 ? high - low : Math.abs(high) > 0 ? Math.abs(high) : 1;
  const pad = spread * 0.08;
  const first = points[0]?.at ?? 0;
  const last = points[points.length - 1]?.at ?? first;
  const tick = timeFormat(last - first);
  const violating = points.filter((p) => p.rules.length > 0).length;
  const summary =
    `${title}: ${points.length} points from ${new Date(first).toLocaleString()} to ${new Date(last).toLocaleString()}, ` +
    `${violating === 0 ? 'all in control' : `${violating} marked as violating a run rule (listed in the table below)`}.`;
  return (
    <figure className="quality-chart">
      <figcaption>
        {title} ({unit})
      </figcaption>
      <div className="quality-chart-plot" role="img" aria-label={summary}>
        <ResponsiveContainer width="100%" height={300}>
          <LineChart data={points} margin={{ top: 12, right: 110, bottom: 8, left: 8 }} accessibilityLayer={false}>
            <CartesianGrid className="quality-grid" strokeDasharray="3 3" />
            <XAxis
              dataKey="at"
              type="number"
              scale="time"
              domain={['dataMin', 'dataMax']}
              tickFormatter={tick}
              minTickGap={24}
            />
            <YAxis domain={[low - pad, high + pad]} tickFormatter={(v: number) => round(v)} width={64} />
            <Tooltip content={(props) => <PointTip active={props.active} payload={props.payload} unit={unit} />} />
            {lines.map((l) => (
              <ReferenceLine
                key={l.label}
                y={l.value}
                stroke={STROKE[l.kind]}
                strokeWidth={l.kind === 'centre' ? 1.5 : 1.25}
                strokeDasharray={l.kind === 'control' ? '6 4' : l.kind === 'spec' ? '2 3' : undefined}
                label={{ value: `${l.label} ${round(l.value)}`, position: 'right' }}
              />
            ))}
            <Line
              dataKey="value"
              stroke={STROKE.series}
              isAnimationActive={false}
              dot={(props: { cx?: number; cy?: number; payload?: ChartPoint; index?: number }) => (
                <Mark key={props.index} cx={props.cx} cy={props.cy} payload={props.payload} />
              )}
            />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <ul className="quality-legend" aria-label={`Legend of ${title}`}>
        <li>
          <svg width="16" height="16" aria-hidden="true">
            <circle cx="8" cy="8" r="4" className="quality-mark-ok" />
          </svg>
          Blue circle: {valueLabel.toLowerCase()}, in control
        </li>
        <li>
          <svg width="16" height="16" aria-hidden="true">
            <path d="M 8 1 L 15 14 L 1 14 Z" className="quality-mark-violation" />
          </svg>
          Red triangle: violates a Western Electric rule
        </li>
        <li>
          <svg width="28" height="10" aria-hidden="true">
            <line x1="0" y1="5" x2="28" y2="5" className="quality-line-centre" />
          </svg>
          Solid: centre line (CL)
        </li>
        <li>
          <svg width="28" height="10" aria-hidden="true">
            <line x1="0" y1="5" x2="28" y2="5" strokeDasharray="6 4" className="quality-line-control" />
          </svg>
          Dashed: control limits (UCL, LCL)
        </li>
        {lines.some((l) => l.kind === 'spec') && (
          <li>
            <svg width="28" height="10" aria-hidden="true">
              <line x1="0" y1="5" x2="28" y2="5" strokeDasharray="2 3" className="quality-line-spec" />
            </svg>
            Dotted: specification limits (USL, LSL)
          </li>
        )}
      </ul>
    </figure>
  );
}
