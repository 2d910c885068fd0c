import { merkleTreeHash } from '../audit/index.js';

/** One committed metric value, as stored in `ingest_values` (less the batch it belongs to). */
export interface ValueRow {
  deviceId: string;
  metric: string;
  ts: number;
  num: number | null;
  text: string | null;
}

/**
 * The canonical bytes of a row: a flat JSON array of strings, finite numbers and nulls. For such values
 * ECMAScript's JSON.stringify is exactly RFC 8785 (which defines its forms as ECMAScript's), and it is
 * much faster than the general canonicaliser on the hot path; lone surrogates are refused at decoding.
 */
export function canonicalRow(row: ValueRow): string {
  return JSON.stringify([row.deviceId, row.metric, row.ts, row.num, row.text]);
}

/**
 * RFC 9162 Merkle tree hash over the rows in order, with the audit log's leaf and node hashing (the audit
 * module's merkleTreeHash, shared with OPC UA batches). batch-root.test.ts checks it against the audit
 * module's reference functions.
 */
export function batchRoot(rows: readonly ValueRow[]): Buffer {
  return merkleTreeHash(rows.map(canonicalRow));
}
