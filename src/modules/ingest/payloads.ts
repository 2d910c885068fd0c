import { createRequire } from 'node:module';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { hasForbiddenCharacter } from '../../kernel/validation.js';

// sparkplug-payload is CommonJS; its protobuf codec is the Eclipse Tahu reference one.
const require = createRequire(import.meta.url);
const sparkplug = (require('sparkplug-payload') as typeof import('sparkplug-payload')).get('spBv1.0')!;

/** A metric as decoded: by name, by alias, or both; a number or a text, never both. */
export interface MetricValue {
  name: string | null;
  alias: number | null;
  ts: number | null;
  num: number | null;
  text: string | null;
  /** Marked historical by the device (Sparkplug `is_historical`): old on purpose, e.g. store-and-forward. */
  historical: boolean;
}

export interface Decoded {
  timestamp: number | null;
  seq: number | null;
  metrics: MetricValue[];
}

/** Refused input; `message` is safe to record (it never quotes the payload). */
export class MalformedPayload extends Error {}

const MAX_METRICS = 1000;
const MAX_TEXT = 1000;
// A lone UTF-16 surrogate: not text, and not representable in canonical JSON.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type Longish = number | { toNumber(): number } | null | undefined;
const toNumber = (value: Longish): number | null =>
  value === null || value === undefined ? null : typeof value === 'number' ? value : value.toNumber();

function checkName(name: unknown): string | null {
  if (name === null || name === undefined || name === '') return null;
  if (typeof name !== 'string' || name.length > 200 || LONE_SURROGATE.test(name))
    throw new MalformedPayload('metric name too long or not text');
  // The validation layer's rule for names (NUL, control characters, bidi overrides), applied where devices name things.
  if (hasForbiddenCharacter(name)) throw new MalformedPayload('metric name holds a control character');
  return name;
}

/** Numbers, booleans (as 0/1) and short texts are ingested; data sets, templates and bytes are not (yet). */
function valueOf(value: unknown): Pick<MetricValue, 'num' | 'text'> | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new MalformedPayload('metric value not finite');
    return { num: value, text: null };
  }
  if (typeof value === 'boolean') return { num: value ? 1 : 0, text: null };
  if (typeof value === 'string') {
    if (value.length > MAX_TEXT || LONE_SURROGATE.test(value)) throw new MalformedPayload('metric text too long');
    return { num: null, text: value };
  }
  if (typeof value === 'object' && value !== null && 'toNumber' in value)
    return valueOf((value as { toNumber(): number }).toNumber());
  return undefined;
}

function metricOf(metric: {
  name?: unknown;
  alias?: Longish;
  timestamp?: Longish;
  value?: unknown;
  isHistorical?: unknown;
}): MetricValue | undefined {
  const name = checkName(metric.name);
  const alias = toNumber(metric.alias);
  if (name === null && alias === null) throw new MalformedPayload('metric without name or alias');
  const value = valueOf(metric.value);
  const historical = metric.isHistorical === true;
  return value && { name, alias, ts: toNumber(metric.timestamp), num: value.num, text: value.text, historical };
}

function metricsOf(list: unknown[]): MetricValue[] {
  if (list.length > MAX_METRICS) throw new MalformedPayload(`more than ${MAX_METRICS} metrics`);
  const metrics: MetricValue[] = [];
  for (const m of list) {
    const metric = metricOf(m as UMetric);
    if (metric) metrics.push(metric);
  }
  return metrics;
}

/** Decodes a Sparkplug B payload (protobuf); anything the codec or the checks refuse is MalformedPayload. */
export function decodeSparkplug(payload: Buffer): Decoded {
  let decoded: UPayload;
  try {
    decoded = sparkplug.decodePayload(payload);
  } catch {
    throw new MalformedPayload('not a Sparkplug B payload');
  }
  const seq = toNumber(decoded.seq);
  if (seq !== null && (seq < 0 || seq > 255)) throw new MalformedPayload('sequence number out of 0-255');
  return { timestamp: toNumber(decoded.timestamp), seq, metrics: metricsOf(decoded.metrics ?? []) };
}

/** Decodes the JSON layout `{ "timestamp": ms, "metrics": [{ "name", "value", "timestamp"?, "isHistorical"? }] }`. */
export function decodeJson(payload: Buffer): Decoded {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new MalformedPayload('not JSON');
  }
  const { timestamp, metrics } = (body ?? {}) as { timestamp?: unknown; metrics?: unknown };
  if (timestamp !== undefined && !Number.isSafeInteger(timestamp)) throw new MalformedPayload('bad timestamp');
  if (!Array.isArray(metrics)) throw new MalformedPayload('no metrics array');
  for (const m of metrics as unknown[])
    if (
      typeof m !== 'object' ||
      m === null ||
      !('name' in m) ||
      typeof m.name !== 'string' ||
      !('value' in m) ||
      'alias' in m
    )
      throw new MalformedPayload('a metric needs a name and a value');
    else if ('timestamp' in m && !Number.isSafeInteger(m.timestamp)) throw new MalformedPayload('bad metric timestamp');
    else if ('isHistorical' in m && typeof m.isHistorical !== 'boolean') throw new MalformedPayload('bad isHistorical');
  return { timestamp: (timestamp as number | undefined) ?? null, seq: null, metrics: metricsOf(metrics) };
}

/** The NCMD that asks an edge node to publish its births again (Sparkplug B: "Node Control/Rebirth"). */
export function rebirthRequest(now: number): Buffer {
  const metric = { name: 'Node Control/Rebirth', type: 'Boolean' as const, value: true };
  return Buffer.from(sparkplug.encodePayload({ timestamp: now, metrics: [metric] }));
}

/** Encodes a payload (used by the simulator and the tests). */
export function encodeSparkplug(payload: UPayload): Buffer {
  return Buffer.from(sparkplug.encodePayload(payload));
}
