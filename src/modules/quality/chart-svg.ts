import { fixed, line, svgDocument, text } from '../../kernel/svg.js';
import type { ControlChart, Limits } from './spc.js';

const WIDTH = 760;
const PANEL = 190;
const LEFT = 70;
const RIGHT = 20;

/**
 * One panel: the points joined by a line, the center line solid, the control limits dashed, points that break
 * a Western Electric rule in red.
 */
function panel(values: (number | null)[], limits: Limits, top: number, label: string, flagged: Set<number>): string[] {
  const present = values.filter((v): v is number => v !== null);
  const low = Math.min(limits.lower, ...present);
  const high = Math.max(limits.upper, ...present);
  const spread = (high - low) * 0.08;
  const pad = spread === 0 || Number.isNaN(spread) ? 1 : spread;
  const y = (v: number) => top + 20 + (1 - (v - (low - pad)) / (high - low + 2 * pad)) * (PANEL - 40);
  const x = (i: number) => LEFT + ((WIDTH - LEFT - RIGHT) * (i + 0.5)) / values.length;
  const body = [text(8, top + 14, label, 'font-weight="bold"')];
  for (const [name, value, dash] of [
    ['UCL', limits.upper, '6 4'],
    ['CL', limits.center, ''],
    ['LCL', limits.lower, '6 4'],
  ] as const) {
    body.push(
      line(LEFT, y(value), WIDTH - RIGHT, y(value), `stroke="#555" ${dash ? `stroke-dasharray="${dash}"` : ''}`),
    );
    body.push(text(4, y(value) + 4, `${name} ${value.toPrecision(6)}`, 'fill="#555" font-size="9"'));
  }
  const path = values
    .map((v, i) => (v === null ? '' : `${fixed(x(i))},${fixed(y(v))}`))
    .filter(Boolean)
    .join(' ');
  body.push(`<polyline points="${path}" fill="none" stroke="#1f5fa8" stroke-width="1.5"/>`);
  values.forEach((v, i) => {
    if (v === null) return;
    const bad = flagged.has(i + 1);
    body.push(
      `<circle cx="${fixed(x(i))}" cy="${fixed(y(v))}" r="${bad ? 4 : 3}" fill="${bad ? '#c62828' : '#1f5fa8'}"/>`,
    );
  });
  return body;
}

export function controlChartSvg(chart: ControlChart, title: string): string {
  const flagged = (kind: 'location' | 'dispersion') =>
    new Set(chart.violations.filter((v) => v.chart === kind).map((v) => v.point));
  const names = chart.kind === 'xbar-r' ? ['X̄ (subgroup mean)', 'R (range)'] : ['X (individual)', 'MR (moving range)'];
  return svgDocument(WIDTH, PANEL * 2 + 30, title, [
    text(LEFT, 14, title, 'font-size="13" font-weight="bold"'),
    ...panel(
      chart.points.map((p) => p.location),
      chart.location,
      20,
      names[0]!,
      flagged('location'),
    ),
    ...panel(
      chart.points.map((p) => p.dispersion),
      chart.dispersion,
      20 + PANEL,
      names[1]!,
      flagged('dispersion'),
    ),
  ]);
}
