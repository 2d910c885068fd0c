import { toIsoUtc } from '../../kernel/clock.js';
import { canonicalJson } from '../../kernel/canonical-json.js';
import type { AuditEntry } from '../../kernel/pipeline/types.js';
import { leafHash, sha256 } from './merkle.js';

/** The previous hash of record 1. */
export const GENESIS_HASH = Buffer.alloc(32);

/** A record as stored in its canonical JSON body. */
export interface AuditRecord extends AuditEntry {
  v: 1;
  seq: number;
  id: string;
  ts: string;
}

/** Canonical JSON of a record: the exact bytes that are stored, hashed, and covered by checkpoints. */
export function encodeRecord(entry: AuditEntry, seq: number, id: string, at: number): string {
  // Undefined fields are left out, as JSON does.
  const record: AuditRecord = { v: 1, seq, id, ts: toIsoUtc(at), ...entry };
  return canonicalJson(record);
}

/**
 * 0x00 ‖ previous hash ‖ body, assembled in one reused buffer and hashed in one shot: the same bytes leafHash()
 * feeds a Hash object in three updates, for half the cost on every append and every verified record. A body
 * larger than the buffer (rare: a record is ~0.5 KiB) takes leafHash() instead.
 */
const LEAF_INPUT = Buffer.alloc(64 * 1024);

/**
 * The chain link and Merkle leaf in one: SHA-256(0x00 || previous hash || body). Chaining the previous
 * hash into the leaf makes every record depend on all before it; the 0x00 prefix is RFC 9162's leaf domain.
 */
export function recordHash(previous: Buffer, body: string): Buffer {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit, so this bound is safe without measuring the body first.
  if (previous.length !== 32 || 33 + body.length * 3 > LEAF_INPUT.length) return leafHash(previous, body);
  LEAF_INPUT[0] = 0x00;
  previous.copy(LEAF_INPUT, 1);
  const written = LEAF_INPUT.write(body, 33, 'utf8');
  return sha256(LEAF_INPUT.subarray(0, 33 + written));
}
