import { encodeSparkplug } from '../../src/modules/ingest/payloads.js';

/** Metrics per DDATA message, as the issue asks (10 values each). */
export const METRICS = 10;
export const GROUP = 'bench';

/** One publishing device: an edge node with one Sparkplug device below it. */
export interface BenchDevice {
  name: string;
  secret: string;
  edge: string;
  device: string;
}

export const topicOf = (d: BenchDevice, type: string, withDevice: boolean) =>
  `spBv1.0/${GROUP}/${type}/${d.edge}${withDevice ? `/${d.device}` : ''}`;

const metricName = (i: number) => `m${i + 1}`;

/** NBIRTH (seq 0) and DBIRTH (seq 1): names and aliases, so that DDATA can carry aliases only, as in the field. */
export function births(now: number): { nbirth: Buffer; dbirth: Buffer } {
  const nbirth = encodeSparkplug({
    timestamp: now,
    seq: 0,
    metrics: [{ name: 'bdSeq', alias: 0, type: 'Int64', value: 0 }] as never,
  });
  const metrics = Array.from({ length: METRICS }, (_, i) => ({
    name: metricName(i),
    alias: i + 1,
    type: 'Double',
    value: 0,
  }));
  return { nbirth, dbirth: encodeSparkplug({ timestamp: now, seq: 1, metrics: metrics as never }) };
}

/**
 * The 256 DDATA payloads a device cycles through (one per sequence number), encoded once before the clock
 * starts, so the publishers spend their time sending rather than encoding. Values and timestamps vary
 * per payload and per metric.
 */
export function dataPayloads(now: number): Buffer[] {
  return Array.from({ length: 256 }, (_, seq) =>
    encodeSparkplug({
      timestamp: now + seq,
      seq,
      metrics: Array.from({ length: METRICS }, (_, i) => ({
        alias: i + 1,
        type: 'Double',
        value: 20 + i + seq / 256,
        timestamp: now + seq,
      })) as never,
    }),
  );
}

/** The n-th DDATA after the births (NBIRTH took seq 0, DBIRTH seq 1). */
export const seqOf = (n: number) => (n + 2) % 256;
