import { fixed, line, svgDocument, text } from '../../kernel/svg.js';
import type { ParetoBar } from './oee.js';

const WIDTH = 720;
const HEIGHT = 320;
const LEFT = 60;
const BOTTOM = 250;

/** Down time by reason as bars, largest first, with the cumulative share as a line (Pareto chart). */
export function paretoSvg(bars: ParetoBar[], title: string): string {
  const most = Math.max(...bars.map((b) => b.minutes), 1);
  const width = (WIDTH - LEFT - 20) / Math.max(bars.length, 1);
  const body = [
    text(LEFT, 18, title, 'font-size="13" font-weight="bold"'),
    line(LEFT, BOTTOM, WIDTH - 20, BOTTOM, 'stroke="#555"'),
  ];
  const points: string[] = [];
  bars.forEach((bar, i) => {
    const x = LEFT + i * width;
    const height = (bar.minutes / most) * (BOTTOM - 40);
    body.push(
      `<rect x="${fixed(x + 4)}" y="${fixed(BOTTOM - height)}" width="${fixed(width - 8)}" height="${fixed(height)}" fill="#1f5fa8"/>`,
    );
    body.push(text(x + 6, BOTTOM - height - 4, `${bar.minutes.toFixed(1)} min`, 'font-size="9"'));
    body.push(text(x + 6, BOTTOM + 14, bar.reason.slice(0, 24), 'font-size="9"'));
    points.push(`${fixed(x + width / 2)},${fixed(BOTTOM - bar.cumulativeShare * (BOTTOM - 40))}`);
  });
  body.push(`<polyline points="${points.join(' ')}" fill="none" stroke="#c62828" stroke-width="1.5"/>`);
  body.push(text(WIDTH - 150, 36, 'line: cumulative share', 'fill="#c62828" font-size="9"'));
  return svgDocument(WIDTH, HEIGHT, title, body);
}

type Figure = number | null;

/**
 * Availability, performance, quality and OEE as four bars out of 100 %; a figure that cannot be computed
 * is "n/a", and the warnings (unknown time, parts without an ideal cycle time) are written under the bars.
 */
export function oeeSvg(
  figures: { availability: Figure; performance: Figure; quality: Figure; oee: Figure; warnings?: string[] },
  title: string,
) {
  const names = ['availability', 'performance', 'quality', 'oee'] as const;
  const body = [
    text(LEFT, 18, title, 'font-size="13" font-weight="bold"'),
    line(LEFT, BOTTOM, WIDTH - 20, BOTTOM, 'stroke="#555"'),
  ];
  names.forEach((name, i) => {
    const x = LEFT + i * 150;
    const figure = figures[name];
    const height = Math.min(1, figure ?? 0) * (BOTTOM - 40);
    body.push(
      `<rect x="${x}" y="${fixed(BOTTOM - height)}" width="110" height="${fixed(height)}" fill="${name === 'oee' ? '#2e7d32' : '#1f5fa8'}"/>`,
    );
    body.push(text(x, BOTTOM - height - 4, figure === null ? 'n/a' : `${(figure * 100).toFixed(1)} %`));
    body.push(text(x, BOTTOM + 14, name === 'oee' ? 'OEE' : name));
  });
  (figures.warnings ?? []).forEach((warning, i) =>
    body.push(text(LEFT, BOTTOM + 36 + i * 14, warning, 'fill="#c62828" font-size="10"')),
  );
  return svgDocument(WIDTH, HEIGHT, title, body);
}
