import type { KeyObject } from 'node:crypto';
import type { Storage } from '../../storage/storage.js';
import { keyIdOf } from './signer.js';
import { lastSeq, recordPages } from './queries.js';
import { allCheckpoints } from './store.js';
import { LogVerifier, type CheckpointCopy, type VerificationReport } from './verify.js';
import type { Witness } from './witness.js';

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
  const total = await lastSeq(storage);
  pages: for await (const page of recordPages(storage)) {
    for (const record of page) if (!verifier.push(record)) break pages;
    onProgress?.(verifier.checkedUpTo, total);
  }
  return verifier.finish();
}
