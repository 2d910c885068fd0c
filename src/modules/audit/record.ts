import { canonicalJson } from '../../kernel/canonical-json.js';
import { toIsoUtc } from '../../kernel/clock.js';
import type { AuditEntry } from '../../kernel/pipeline/types.js';
import { leafHash } from './merkle.js';

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
  // canonicalJson leaves out undefined fields, as JSON does.
  const record: AuditRecord = { v: 1, seq, id, ts: toIsoUtc(at), ...entry };
  return canonicalJson(record);
}

/**
 * The chain link and Merkle leaf in one: SHA-256(0x00 || previous hash || body). Chaining the previous
 * hash into the leaf makes every record depend on all before it; the 0x00 prefix is RFC 9162's leaf domain.
 */
export function recordHash(previous: Buffer, body: string): Buffer {
  return leafHash(previous, body);
}
