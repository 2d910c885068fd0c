import type { ValueRow } from './batch-root.js';
import type { EdgeState } from './edges.js';
import { decodeJson, decodeSparkplug, MalformedPayload, type Decoded, type MetricValue } from './payloads.js';
import type { Route } from './topics.js';

/** What a message yields: rows to commit, and whether the node must be asked to rebirth (and why). */
export interface Interpretation {
  values: ValueRow[];
  rebirth: boolean;
  gap?: { expected: number; got: number };
}

const fullName = (device: string | null, name: string) => (device ? `${device}/${name}` : name);

function rows(deviceId: string, decoded: Decoded, names: (m: MetricValue) => string | undefined, now: number) {
  const values: ValueRow[] = [];
  let unresolved = false;
  for (const m of decoded.metrics) {
    const metric = names(m);
    if (metric === undefined) unresolved = true;
    else values.push({ deviceId, metric, ts: m.ts ?? decoded.timestamp ?? now, num: m.num, text: m.text });
  }
  return { values, unresolved };
}

function learnAliases(edge: EdgeState, device: string | null, decoded: Decoded): void {
  for (const m of decoded.metrics)
    if (m.alias !== null && m.name !== null) edge.aliases.set(m.alias, fullName(device, m.name));
}

/**
 * Applies a Sparkplug B message to its edge node's state and maps its metrics to rows: by name, else by
 * the alias learnt at birth. Data before any birth, an unknown alias or a sequence gap asks for a rebirth;
 * the values that could be resolved are still kept (they are valid; only some may be missing).
 */
function sparkplug(
  deviceId: string,
  route: Route & { kind: 'sparkplug' },
  payload: Buffer,
  edge: EdgeState,
  now: number,
) {
  const decoded = decodeSparkplug(payload);
  if (route.type === 'NDEATH') {
    edge.born = false;
    return { values: [], rebirth: false };
  }
  if (decoded.seq === null) throw new MalformedPayload(`${route.type} without a sequence number`);
  if (route.type === 'NBIRTH') edge.rebirth();
  const expected = edge.sequence(decoded.seq);
  if (route.type === 'DDEATH') return { values: [], rebirth: expected !== undefined };
  if (route.type.endsWith('BIRTH')) learnAliases(edge, route.device, decoded);
  const named = (m: MetricValue) => (m.name !== null ? fullName(route.device, m.name) : edge.aliases.get(m.alias!));
  const { values, unresolved } = rows(deviceId, decoded, named, now);
  const gap = expected !== undefined ? { expected, got: decoded.seq } : undefined;
  return { values, rebirth: !edge.born || unresolved || gap !== undefined, gap };
}

/** Decodes and interprets one message; throws MalformedPayload for anything refused. */
export function interpret(
  deviceId: string,
  route: Route,
  payload: Buffer,
  edge: EdgeState,
  now: number,
): Interpretation {
  if (route.kind === 'sparkplug') return sparkplug(deviceId, route, payload, edge, now);
  const decoded = decodeJson(payload);
  return { values: rows(deviceId, decoded, (m) => m.name ?? undefined, now).values, rebirth: false };
}
