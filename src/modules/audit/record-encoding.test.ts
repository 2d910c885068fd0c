import { describe, expect, it } from 'vitest';
import { canonicalJson, referenceCanonicalJson } from '../../kernel/canonical-json.js';
import { newId } from '../../kernel/ids.js';
import { encodeRecord, recordHash } from './record.js';
import { leafHash } from './merkle.js';

describe('an audit record is written in canonical JSON (RFC 8785), byte for byte what the reference encoder writes', () => {
  it('on audit records as the pipeline makes them, with and without optional fields', () => {
    const records = [
      {
        v: 1,
        seq: 42,
        id: newId(),
        ts: '2026-12-02T08:00:00.000Z',
        action: 'lot.create',
        outcome: 'success',
        actor: { kind: 'user', id: newId() },
        origin: { channel: 'http', address: '::1', requestId: newId(), idempotencyKey: undefined },
        target: { type: 'lot', id: newId() },
        details: { beforeDigest: null, afterDigest: 'ab'.repeat(32), quantity: 12.5, tags: ['a', 'b'] },
      },
      {
        v: 1,
        seq: 1,
        id: 'x',
        ts: 't',
        action: 'a',
        outcome: 'denied',
        actor: { kind: 'device', id: 'd' },
        reason: 'r',
      },
    ];
    for (const record of records) expect(canonicalJson(record)).toBe(referenceCanonicalJson(record));
  });
});

describe('recordHash', () => {
  it('equals SHA-256(0x00 || previous || body) as leafHash computes it, for short, multi-byte and oversized bodies', () => {
    const previous = leafHash('genesis');
    const record = encodeRecord(
      { action: 'a', outcome: 'success', actor: { kind: 'user', id: 'u' }, origin: { channel: 'cli' } },
      1,
      'id',
      0,
    );
    for (const body of [record, 'é€😀'.repeat(1000), 'x'.repeat(70_000), ''])
      expect(recordHash(previous, body).toString('hex')).toBe(leafHash(previous, body).toString('hex'));
  });
});
