import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../kernel/pipeline/types.js';
import { makeCheckpoint } from './checkpoint.js';
import { Frontier } from './merkle.js';
import { encodeRecord, GENESIS_HASH, recordHash } from './record.js';
import { keyIdOf } from '../../kernel/keys/key-store.js';
import type { CheckpointSigner } from './signer.js';
import { LogVerifier, type CheckpointCopy, type StoredRecord, type VerificationReport } from './verify.js';

const T0 = Date.UTC(2025, 0, 1);

interface Key {
  publicKey: KeyObject;
  keyId: string;
  signer: CheckpointSigner;
}

function newKey(): Key {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const keyId = keyIdOf(publicKey);
  return { publicKey, keyId, signer: { keyId, sign: (data) => sign(null, data, privateKey) } };
}

const KEY = newKey();
const OTHER = newKey();

function entry(i: number, outcome: AuditEntry['outcome'] = 'success'): AuditEntry {
  return {
    action: 'x.y',
    outcome,
    actor: { kind: 'user', id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` },
    origin: { channel: 'cli' },
    details: { n: i },
  };
}

const bodyOf = (seq: number, e: AuditEntry = entry(seq)): string =>
  encodeRecord(e, seq, `rec-${String(seq).padStart(4, '0')}`, T0 + seq * 1000);

/** Chains bodies from the genesis hash, numbering them 1..n in order. */
function chain(bodies: string[]): StoredRecord[] {
  let previous: Buffer = GENESIS_HASH;
  return bodies.map((body, i) => {
    const hash = recordHash(previous, body);
    previous = hash;
    return { seq: i + 1, body, hash };
  });
}

const validLog = (n: number): StoredRecord[] => chain(Array.from({ length: n }, (_, i) => bodyOf(i + 1)));

/** Signed checkpoints over the given records at the given tree sizes, as kept in the database. */
function checkpoints(
  records: StoredRecord[],
  sizes: number[],
  signer: CheckpointSigner = KEY.signer,
  origin = 'database',
): CheckpointCopy[] {
  const frontier = new Frontier();
  const roots = new Map<number, Buffer>();
  for (const record of records) {
    frontier.append(record.hash);
    roots.set(frontier.size, frontier.root());
  }
  return sizes.map((size) => {
    const root = roots.get(size);
    if (!root) throw new Error(`no root at size ${size}`);
    const cp = makeCheckpoint(signer, size, root, T0 + size * 1000 + 500);
    return { origin, body: cp.body, signature: cp.signature };
  });
}

/** Feeds records as a store would stream them, stopping when the verifier says so. */
function verify(records: StoredRecord[], copies: CheckpointCopy[], key: Key = KEY): VerificationReport {
  const verifier = new LogVerifier(key.publicKey, key.keyId, copies);
  for (const record of records) if (!verifier.push(record)) break;
  return verifier.finish();
}

const kinds = (report: VerificationReport) => report.problems.map((p) => p.kind);

describe('LogVerifier on an intact log', () => {
  it('accepts a valid log with checkpoints from the database and a witness', () => {
    const records = validLog(20);
    const copies = [...checkpoints(records, [5, 10, 20]), ...checkpoints(records, [10], KEY.signer, 'witness-a')];
    const report = verify(records, copies);
    expect(report).toEqual({
      ok: true,
      recordsChecked: 20,
      checkpointsChecked: 3,
      latestCheckpoint: 20,
      unsignedTail: 0,
      firstBadSeq: null,
      problems: [],
    });
  });

  it('reports the records after the latest checkpoint as an unsigned tail', () => {
    const records = validLog(17);
    const report = verify(records, checkpoints(records, [4, 12]));
    expect(report.ok).toBe(true);
    expect(report.latestCheckpoint).toBe(12);
    expect(report.unsignedTail).toBe(5);
  });

  it('accepts a log without checkpoints, and an empty log', () => {
    expect(verify(validLog(3), [])).toMatchObject({ ok: true, recordsChecked: 3, latestCheckpoint: null });
    expect(verify([], [])).toMatchObject({ ok: true, recordsChecked: 0, unsignedTail: 0, firstBadSeq: null });
  });

  it('records bodies are canonical JSON naming their own sequence number', () => {
    const body = bodyOf(3);
    expect(JSON.parse(body)).toMatchObject({ v: 1, seq: 3, action: 'x.y', outcome: 'success' });
    expect(Object.keys(JSON.parse(body) as object)).toEqual([...Object.keys(JSON.parse(body) as object)].sort());
  });

  it('tracks how far it has checked and stops accepting records once broken', () => {
    const records = validLog(6);
    const verifier = new LogVerifier(KEY.publicKey, KEY.keyId, []);
    expect(verifier.push(records[0]!)).toBe(true);
    expect(verifier.push(records[1]!)).toBe(true);
    expect(verifier.checkedUpTo).toBe(2);
    expect(verifier.push(records[3]!)).toBe(false); // record 3 skipped
    expect(verifier.push(records[2]!)).toBe(false); // too late: broken
    expect(verifier.checkedUpTo).toBe(2);
    expect(verifier.finish()).toMatchObject({ ok: false, firstBadSeq: 3, recordsChecked: 2 });
  });
});

describe('LogVerifier on tampered records', () => {
  it('a changed body is a changed-record at its sequence number', () => {
    const records = validLog(12);
    const tampered = records.map((r) => (r.seq === 7 ? { ...r, body: bodyOf(7, entry(7, 'denied')) } : r));
    const report = verify(tampered, checkpoints(records, [10]));
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(7);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'changed-record', seq: 7 })]);
    expect(report.recordsChecked).toBe(6);
  });

  it('a changed stored hash is caught too', () => {
    const records = validLog(8);
    const tampered = records.map((r) => (r.seq === 4 ? { ...r, hash: Buffer.alloc(32, 7) } : r));
    const report = verify(tampered, []);
    expect(report.firstBadSeq).toBe(4);
    expect(kinds(report)).toEqual(['changed-record']);
  });

  it('a deleted middle record is a missing-record at the deleted sequence number', () => {
    const records = validLog(12);
    const report = verify(
      records.filter((r) => r.seq !== 8),
      checkpoints(records, [5]),
    );
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(8);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'missing-record', seq: 8 })]);
  });

  it('a deleted record with the rest renumbered is found at the deleted sequence number', () => {
    const records = validLog(12);
    const renumbered = records.filter((r) => r.seq !== 8).map((r, i) => ({ ...r, seq: i + 1 }));
    const report = verify(renumbered, []);
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(8);
    expect(kinds(report)).toEqual(['moved-record']);
  });

  it('a record inserted in the middle with a correct chain hash is found at the inserted position', () => {
    const records = validLog(12);
    const at = 6;
    const inserted: StoredRecord = {
      seq: at,
      body: bodyOf(at, entry(999)),
      hash: recordHash(records[at - 2]!.hash, bodyOf(at, entry(999))),
    };
    const forged = [
      ...records.slice(0, at - 1),
      inserted,
      ...records.slice(at - 1).map((r) => ({ ...r, seq: r.seq + 1 })),
    ];
    expect(forged.map((r) => r.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    const report = verify(forged, checkpoints(records, [3]));
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(at);
    expect(kinds(report)).toEqual(['moved-record']);
  });

  it.each([
    [4, 9],
    [4, 5],
    [1, 12],
  ])('records %i and %i swapped are found at the lower sequence number', (a, b) => {
    const records = validLog(12);
    const swapped = records.map((r) => {
      const source = r.seq === a ? records[b - 1]! : r.seq === b ? records[a - 1]! : r;
      return { ...source, seq: r.seq };
    });
    const report = verify(swapped, checkpoints(records, [12]));
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(a);
    expect(kinds(report)).toEqual(['moved-record']);
  });

  it('a log cut short below a checkpoint is truncated, first bad record = new length + 1', () => {
    const records = validLog(20);
    const copies = checkpoints(records, [10, 20]);
    const report = verify(records.slice(0, 15), copies);
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(16);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'truncated', seq: 16 })]);
    expect(report.recordsChecked).toBe(15);
    // Even with every record gone, a witness copy alone reveals the loss.
    const witnessOnly = verify([], checkpoints(records, [20], KEY.signer, 'witness'));
    expect(witnessOnly).toMatchObject({ ok: false, firstBadSeq: 1 });
    expect(witnessOnly.problems[0]!.message).toContain('witness');
  });

  it('a log cut short after its latest checkpoint is not detectable without one', () => {
    const records = validLog(20);
    const report = verify(records.slice(0, 15), checkpoints(records, [10]));
    expect(report).toMatchObject({ ok: true, unsignedTail: 5 });
  });

  it('a re-chained rewrite (all hashes recomputed after record k) breaks the next checkpoint', () => {
    const records = validLog(20);
    const copies = checkpoints(records, [5, 10, 15, 20]);
    const bodies = records.map((r) => r.body);
    bodies[12 - 1] = bodyOf(12, entry(12, 'failed'));
    const rewritten = chain(bodies);
    expect(rewritten[10]!.hash.equals(records[10]!.hash)).toBe(true);
    expect(rewritten[11]!.hash.equals(records[11]!.hash)).toBe(false);

    const report = verify(rewritten, copies);
    expect(report.ok).toBe(false);
    expect(kinds(report)).toEqual(['checkpoint-mismatch']);
    // The damage lies after the last checkpoint that still matched (10).
    expect(report.firstBadSeq).toBe(11);
    expect(report.problems[0]!.treeSize).toBeUndefined();
    expect(report.problems[0]!.message).toContain('15');
    expect(report.recordsChecked).toBe(15);
  });

  it('a re-chained rewrite of the very first record is found from record 1', () => {
    const records = validLog(8);
    const bodies = records.map((r) => r.body);
    bodies[0] = bodyOf(1, entry(1, 'error'));
    const report = verify(chain(bodies), checkpoints(records, [8]));
    expect(kinds(report)).toEqual(['checkpoint-mismatch']);
    expect(report.firstBadSeq).toBe(1);
  });
});

describe('LogVerifier on bad checkpoints', () => {
  it('a checkpoint body with one byte changed is forged', () => {
    const records = validLog(10);
    const [good] = checkpoints(records, [10]);
    const body = good!.body;
    // Change one hex digit of the root: still well-formed, but no longer what was signed.
    const at = body.indexOf('"rootHash":"') + '"rootHash":"'.length;
    const changed = body.slice(0, at) + (body[at] === '0' ? '1' : '0') + body.slice(at + 1);
    expect(changed).not.toBe(body);
    const report = verify(records, [{ ...good!, body: changed }]);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'forged-checkpoint', treeSize: 10, origin: 'database' }),
    ]);
    // It was not admitted: the records themselves are fine.
    expect(report.firstBadSeq).toBeNull();
    expect(report.checkpointsChecked).toBe(0);
  });

  it('a checkpoint body changed in any single byte is refused', () => {
    const records = validLog(4);
    const [good] = checkpoints(records, [4]);
    const bytes = Buffer.from(good!.body, 'utf8');
    for (let i = 0; i < bytes.length; i++) {
      const copy = Buffer.from(bytes);
      copy[i] = copy[i]! ^ 0x02;
      const report = verify(records, [{ ...good!, body: copy.toString('utf8') }]);
      expect(report.ok, `byte ${i}`).toBe(false);
      expect(kinds(report), `byte ${i}`).toContain('forged-checkpoint');
    }
  });

  it('a checkpoint with a changed signature is forged', () => {
    const records = validLog(10);
    const [good] = checkpoints(records, [10]);
    const signature = Buffer.from(good!.signature);
    signature[5] = signature[5]! ^ 0x80;
    for (const bad of [signature, good!.signature.subarray(1), Buffer.alloc(0)]) {
      const report = verify(records, [{ ...good!, signature: bad }]);
      expect(report.ok).toBe(false);
      expect(kinds(report)).toEqual(['forged-checkpoint']);
    }
  });

  it('a checkpoint signed by another key is forged', () => {
    const records = validLog(10);
    const report = verify(records, checkpoints(records, [10], OTHER.signer, 'witness-b'));
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'forged-checkpoint', origin: 'witness-b' })]);
    // The same checkpoint is fine for the log that key belongs to.
    expect(verify(records, checkpoints(records, [10], OTHER.signer), OTHER).ok).toBe(true);
  });

  it('a checkpoint signed with our key for another log is foreign', () => {
    const records = validLog(6);
    const replayed: CheckpointSigner = { keyId: OTHER.keyId, sign: KEY.signer.sign };
    const report = verify(records, checkpoints(records, [6], replayed));
    expect(report.ok).toBe(false);
    expect(kinds(report)).toEqual(['foreign-checkpoint']);
  });

  it('a checkpoint that is not a checkpoint is forged even with a valid signature', () => {
    const records = validLog(3);
    const body = JSON.stringify({ v: 1, log: KEY.keyId, treeSize: 0, rootHash: '00'.repeat(32), timestamp: 'x' });
    const report = verify(records, [{ origin: 'database', body, signature: KEY.signer.sign(Buffer.from(body)) }]);
    expect(kinds(report)).toEqual(['forged-checkpoint']);
  });

  it('two validly signed checkpoints for one size that disagree are reported', () => {
    const records = validLog(10);
    const other = chain(records.map((r) => (r.seq === 2 ? bodyOf(2, entry(2, 'denied')) : r.body)));
    const copies = [...checkpoints(records, [10]), ...checkpoints(other, [10], KEY.signer, 'witness-x')];
    const report = verify(records, copies);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'checkpoint-mismatch', treeSize: 10, origin: 'witness-x' }),
    ]);
  });
});
