import { Badge } from '../../ui/controls';

/** A lot's state written out and toned: colour is never the only signal (a held lot says "ON HOLD"). */
export const STATE_TEXT: Record<string, { text: string; tone: 'good' | 'bad' | 'warn' | 'neutral' }> = {
  available: { text: 'AVAILABLE', tone: 'good' },
  held: { text: 'ON HOLD', tone: 'bad' },
  consumed: { text: 'USED UP', tone: 'neutral' },
  scrapped: { text: 'SCRAPPED', tone: 'bad' },
};

export function stateOf(state: string) {
  return STATE_TEXT[state] ?? { text: state.toUpperCase(), tone: 'neutral' as const };
}

export function LotState({ state }: { state: string }) {
  const { text, tone } = stateOf(state);
  return <Badge tone={tone}>{text}</Badge>;
}
