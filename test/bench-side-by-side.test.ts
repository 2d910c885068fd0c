import { describe, expect, it } from 'vitest';
import { flatten, sideBySide } from '../bench/support/both.js';

// The comparison `npm run bench -- NAME` prints with BASTION_BENCH_DATABASE_URL (bench/support/both.ts).
describe('a bench run on SQLite and PostgreSQL, side by side', () => {
  it('flattens a summary into dotted paths in the order written, arrays by index', () => {
    const flat = flatten({ bench: 'x', rss: { peakMb: 250, split: [1, 2] }, ok: true });
    expect([...flat.entries()]).toEqual([
      ['bench', 'x'],
      ['rss.peakMb', 250],
      ['rss.split.0', 1],
      ['rss.split.1', 2],
      ['ok', true],
    ]);
  });

  it('puts both figures on one row with the second over the first, and a dash where one run lacks the field', () => {
    const sqlite = { label: 'SQLite', exitCode: 0, summary: { ratios: { audited: 0.8 }, perSecond: 4000 } };
    const postgres = { label: 'PostgreSQL', exitCode: 0, summary: { ratios: { audited: 0.6 }, extraMs: 2 } };
    const [header, , ...rows] = sideBySide(sqlite, postgres);
    expect(header!.split(/\s{2,}/)).toEqual(['figure', 'SQLite', 'PostgreSQL', 'PostgreSQL / SQLite']);
    expect(rows.map((row) => row.split(/\s{2,}/))).toEqual([
      ['ratios.audited', '0.800', '0.600', '0.750'],
      ['perSecond', '4,000', '-'],
      ['extraMs', '-', '2'],
    ]);
  });

  it('prints the rows of the run that finished when the other printed no summary', () => {
    const failed = { label: 'SQLite', exitCode: 1 };
    const rows = sideBySide(failed, { label: 'PostgreSQL', exitCode: 0, summary: { ms: 12.5 } }).slice(2);
    expect(rows.map((row) => row.split(/\s{2,}/))).toEqual([['ms', '-', '12.5']]);
  });
});
