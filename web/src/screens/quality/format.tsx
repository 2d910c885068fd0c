import { Badge } from '../../ui/controls';
import type { Ncr } from './data';

/** A lot's quality state, coloured and written (colour is never the only signal). */
export function LotState({ state }: { state: string }) {
  const tone = state === 'available' ? 'good' : state === 'held' ? 'warn' : state === 'scrapped' ? 'bad' : 'neutral';
  const label = state === 'held' ? 'On hold' : state.charAt(0).toUpperCase() + state.slice(1);
  return <Badge tone={tone}>{label}</Badge>;
}

export function Verdict({ result }: { result: string }) {
  return <Badge tone={result === 'pass' ? 'good' : 'bad'}>{result === 'pass' ? '✓ Pass' : '✗ Fail'}</Badge>;
}

/** The Western Electric run rules as the chart names them (spc.ts numbers them 1–4). */
export const RULES: Record<number, string> = {
  1: 'Rule 1: a point beyond a control limit (3σ)',
  2: 'Rule 2: 2 of 3 points beyond 2σ on one side',
  3: 'Rule 3: 4 of 5 points beyond 1σ on one side',
  4: 'Rule 4: 8 points in a row on one side of the centre line',
};
export const ruleName = (rule: number) => RULES[rule] ?? `Rule ${rule}`;

/** Numbers as a person reads them: no float noise (19.000000001), at most four decimals. */
export const num = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : String(Number(value.toFixed(4)));

export const DISPOSITIONS = [
  { value: 'rework', label: 'Rework (keeps the lot on hold)' },
  { value: 'scrap', label: 'Scrap (scraps the lot)' },
  { value: 'use-as-is', label: 'Use as is (releases the lot; needs a second person)' },
];
export const dispositionLabel = (value: string | null) =>
  value === null ? '—' : value === 'use-as-is' ? 'Use as is' : value.charAt(0).toUpperCase() + value.slice(1);

/** A report's state in words: open, waiting for its second person, or closed. */
export function NcrState({ ncr }: { ncr: Ncr }) {
  if (ncr.state === 'closed') return <Badge tone="good">Closed</Badge>;
  if (ncr.pendingDisposition !== null) return <Badge tone="warn">Waiting for approval</Badge>;
  return <Badge tone="bad">Open</Badge>;
}
