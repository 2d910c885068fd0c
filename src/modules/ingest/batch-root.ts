import * as crypto from 'node:crypto';
import { EMPTY_ROOT } from '../audit/merkle.js';

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

// One-shot hashing (crypto.hash, Node 20.12+) skips a Hash object per call; createHash on older Node 20.
const sha256: (data: string | Buffer) => Buffer = crypto.hash
  ? (data) => crypto.hash('sha256', data, 'buffer')
  : (data) => crypto.createHash('sha256').update(data).digest();

const NODE = Buffer.alloc(65, 0x01); // 0x01 ‖ left ‖ right, reused: one hash input per interior node

/** RFC 9162 leaf hash SHA-256(0x00 ‖ row): "\u0000" is the single byte 0x00 in UTF-8, the encoding used. */
const leaf = (row: ValueRow) => sha256(`\u0000${canonicalRow(row)}`);

function node(left: Buffer, right: Buffer): Buffer {
  left.copy(NODE, 1);
  right.copy(NODE, 33);
  return sha256(NODE);
}

/**
 * RFC 9162 Merkle tree hash over the rows in order, with the audit log's leaf and node hashing. Built
 * level by level, a last node without a sibling moving up unchanged, which yields the RFC's root (its left
 * subtree is always the largest power of two); one-shot hashing because this runs for every row ingested.
 * batch-root.test.ts checks it against the audit module's reference functions.
 */
export function batchRoot(rows: readonly ValueRow[]): Buffer {
  if (rows.length === 0) return EMPTY_ROOT;
  let level: Buffer[] = rows.map(leaf);
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(node(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level.at(-1)!);
    level = next;
  }
  return level[0]!;
}
