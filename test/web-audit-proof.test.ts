import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/kernel/canonical-json.js';
import { inclusionRanges, nodeHash, verifyInclusion } from '../src/modules/audit/merkle.js';
import { GENESIS_HASH, recordHash } from '../src/modules/audit/record.js';
import { checkpointSignatureValid, recordLeafHash, walkInclusion } from '../web/src/screens/audit/proof.js';

// The browser's proof check (web/src/screens/audit/proof.ts, WebCrypto) against the server's own hashing.

/** RFC 9162 Merkle tree hash of leaf hashes (the reference definition, recursive). */
function root(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(root(leaves.slice(0, k)), root(leaves.slice(k)));
}

function chain(count: number) {
  const records: { record: Record<string, unknown>; hash: Buffer; previous: Buffer }[] = [];
  let previous: Buffer = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const record = {
      v: 1,
      seq,
      id: `id-${seq}`,
      ts: '2026-12-01T10:00:00.000Z',
      action: 'genealogy.lot.receive',
      outcome: 'success',
      actor: { kind: 'user', id: 'u-1' },
      origin: { channel: 'http' },
      details: { quantity: seq * 1.5, note: 'é ✓' },
    };
    const hash = recordHash(previous, canonicalJson(record));
    records.push({ record, hash, previous });
    previous = hash;
  }
  return records;
}

describe('the inclusion proof as the browser checks it', () => {
  const records = chain(13);
  const leaves = records.map((r) => r.hash);

  it('recomputes each record leaf exactly as the log hashes it (0x00, previous hash, canonical JSON)', async () => {
    for (const r of records)
      expect(await recordLeafHash(r.record, r.previous.toString('hex'))).toBe(r.hash.toString('hex'));
  });

  it('walks every inclusion path of trees of 1 to 13 records to the root the server computes', async () => {
    for (let size = 1; size <= leaves.length; size++) {
      const expected = root(leaves.slice(0, size));
      for (let m = 0; m < size; m++) {
        const path = inclusionRanges(m, size).map(([start, end]) => root(leaves.slice(start, end)));
        expect(verifyInclusion(m, size, leaves[m]!, path, expected)).toBe(true);
        const walked = await walkInclusion(
          m,
          size,
          leaves[m]!.toString('hex'),
          path.map((p) => p.toString('hex')),
        );
        expect(walked?.root).toBe(expected.toString('hex'));
        expect(walked?.sides).toHaveLength(path.length);
      }
    }
  });

  it('does not verify a changed record, a changed path hash or a path for another tree size', async () => {
    const [m, size] = [5, 13];
    const expected = root(leaves.slice(0, size)).toString('hex');
    const path = inclusionRanges(m, size).map(([start, end]) => root(leaves.slice(start, end)).toString('hex'));
    const changed = { ...records[m]!.record, outcome: 'denied' };
    expect(await recordLeafHash(changed, records[m]!.previous.toString('hex'))).not.toBe(leaves[m]!.toString('hex'));
    const flipped = [...path];
    flipped[1] = flipped[1]!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect((await walkInclusion(m, size, leaves[m]!.toString('hex'), flipped))?.root).not.toBe(expected);
    const other = await walkInclusion(m, 7, leaves[m]!.toString('hex'), path);
    expect(other?.root).not.toBe(expected);
    expect(await walkInclusion(13, 13, leaves[0]!.toString('hex'), path)).toBeUndefined();
  });

  it("checks a checkpoint's Ed25519 signature over its exact body with the PEM public key, and refuses a changed body", async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const body = canonicalJson({
      v: 1,
      log: 'k',
      treeSize: 13,
      rootHash: root(leaves).toString('hex'),
      timestamp: 't',
    });
    const signature = sign(null, Buffer.from(body, 'utf8'), privateKey).toString('base64');
    expect(await checkpointSignatureValid(body, signature, pem)).toBe(true);
    expect(await checkpointSignatureValid(body.replace('13', '12'), signature, pem)).toBe(false);
  });
});
