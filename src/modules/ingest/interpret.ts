import type { ValueRow } from './batch-root.js';
import type { EdgeState } from './edges.js';
import { decodeJson, decodeSparkplug, MalformedPayload, type Decoded, type MetricValue } from './payloads.js';
import { outsideWindow, type TimeWindow } from './timestamps.js';
import type { Route } from './topics.js';

/** What a message yields: rows to commit, and whether the node must be asked to rebirth (and why). */
export interface Interpretation {
  values: ValueRow[];
  rebirth: boolean;
  gap?: { expected: number; got: number };
  /** Why the message goes to quarantine instead: a value's timestamp outside the configured window. */
  outOfWindow?: string;
}

/** The clock the message is judged against. */
export interface Now {
  now: number;
  window: TimeWindow;
}

const fullName = (device: string | null, name: string) =>
  device !== null && device !== '' ? `${device}/${name}` : name;

function rows(deviceId: string, decoded: Decoded, names: (m: MetricValue) => string | undefined, clock: Now) {
  const values: ValueRow[] = [];
  let unresolved = false;
  let outOfWindow: string | undefined;
  for (const m of decoded.metrics) {
    const metric = names(m);
    const ts = m.ts ?? decoded.timestamp ?? clock.now;
    outOfWindow ??= outsideWindow(ts, m.historical, clock.now, clock.window);
    if (metric === undefined) unresolved = true;
    else values.push({ deviceId, metric, ts, num: m.num, text: m.text });
  }
  return { values, unresolved, outOfWindow };
}

/**
 * Learns a birth's aliases. Sparkplug B makes an alias unique across the edge node and all its devices: a
 * birth that reuses another device's alias (or the node's) is refused as a whole, before anything is learnt,
 * so a misconfigured or hostile edge cannot route one machine's values to another.
 */
function learnAliases(edge: EdgeState, device: string | null, decoded: Decoded): void {
  const declared = decoded.metrics.filter((m) => m.alias !== null && m.name !== null);
  for (const m of declared) {
    const owner = edge.aliasOwners.get(m.alias!);
    if (owner !== undefined && owner !== device)
      throw new MalformedPayload(
        `alias ${m.alias} is already declared by ${owner ?? 'the node'}: aliases must be unique across the edge node`,
      );
  }
  const seen = new Set<number>();
  for (const m of declared) {
    if (seen.has(m.alias!)) throw new MalformedPayload(`alias ${m.alias} is declared twice in one birth`);
    seen.add(m.alias!);
  }
  for (const m of declared) {
    edge.aliases.set(m.alias!, fullName(device, m.name!));
    edge.aliasOwners.set(m.alias!, device);
  }
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
  clock: Now,
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
  const { values, unresolved, outOfWindow } = rows(deviceId, decoded, named, clock);
  const gap = expected !== undefined ? { expected, got: decoded.seq } : undefined;
  return { values, rebirth: !edge.born || unresolved || gap !== undefined, gap, outOfWindow };
}

/** Decodes and interprets one message; throws MalformedPayload for anything refused. */
export function interpret(
  deviceId: string,
  route: Route,
  payload: Buffer,
  edge: EdgeState,
  clock: Now,
): Interpretation {
  if (route.kind === 'sparkplug') return sparkplug(deviceId, route, payload, edge, clock);
  const { values, outOfWindow } = rows(deviceId, decodeJson(payload), (m) => m.name ?? undefined, clock);
  return { values, rebirth: false, outOfWindow };
}
