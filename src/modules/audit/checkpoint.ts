import { canonicalJson } from '../../kernel/canonical-json.js';
import { toIsoUtc } from '../../kernel/clock.js';
import type { CheckpointSigner } from './signer.js';

/** A signed tree head. The signature covers `body`, the exact UTF-8 bytes of this object's canonical JSON. */
export interface CheckpointBody {
  v: 1;
  /** Key ID of the log's signing key, so a checkpoint cannot be replayed against another log. */
  log: string;
  treeSize: number;
  /** Merkle root over records 1..treeSize, hex. */
  rootHash: string;
  timestamp: string;
}

export interface SignedCheckpoint {
  treeSize: number;
  body: string;
  signature: Buffer;
}

export function makeCheckpoint(signer: CheckpointSigner, treeSize: number, root: Buffer, at: number): SignedCheckpoint {
  const content: CheckpointBody = {
    v: 1,
    log: signer.keyId,
    treeSize,
    rootHash: root.toString('hex'),
    timestamp: toIsoUtc(at),
  };
  const body = canonicalJson(content);
  return { treeSize, body, signature: signer.sign(Buffer.from(body, 'utf8')) };
}

/** Reads a checkpoint body defensively: anything that is not exactly the expected shape is refused. */
export function parseCheckpoint(body: string): CheckpointBody | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  const cp = value as Partial<CheckpointBody>;
  const valid =
    typeof value === 'object' &&
    value !== null &&
    cp.v === 1 &&
    typeof cp.log === 'string' &&
    Number.isSafeInteger(cp.treeSize) &&
    (cp.treeSize ?? 0) > 0 &&
    typeof cp.rootHash === 'string' &&
    /^[0-9a-f]{64}$/.test(cp.rootHash) &&
    typeof cp.timestamp === 'string';
  return valid ? (cp as CheckpointBody) : undefined;
}
