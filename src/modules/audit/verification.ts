import type { KeyObject } from 'node:crypto';
import type { Storage } from '../../storage/storage.js';
import { keyIdOf } from './signer.js';
import { allRecords, countRecords } from './queries.js';
import { allCheckpoints } from './store.js';
import { LogVerifier, type CheckpointCopy, type VerificationReport } from './verify.js';
import type { Witness } from './witness.js';

const PROGRESS_EVERY = 10_000;

export interface VerifyOptions {
  storage: Storage;
  publicKey: KeyObject;
  witnesses: Witness[];
  onProgress?: (checked: number, total: number) => void;
}

/** Reads the whole log page by page and checks it against the chain and every checkpoint copy. */
export async function verifyLog({
  storage,
  publicKey,
  witnesses,
  onProgress,
}: VerifyOptions): Promise<VerificationReport> {
  const copies: CheckpointCopy[] = [
    ...(await allCheckpoints(storage.db)).map((cp) => ({
      origin: `database (tree size ${cp.treeSize})`,
      body: cp.body,
      signature: cp.signature,
    })),
    ...witnesses.flatMap((witness) => witness.readAll()),
  ];
  const verifier = new LogVerifier(publicKey, keyIdOf(publicKey), copies);
  const total = await countRecords(storage);
  for await (const record of allRecords(storage)) {
    if (!verifier.push(record)) break;
    if (verifier.checkedUpTo % PROGRESS_EVERY === 0) onProgress?.(verifier.checkedUpTo, total);
  }
  onProgress?.(verifier.checkedUpTo, total);
  return verifier.finish();
}
