import type { KeyObject } from 'node:crypto';
import type { AuditReader } from './db.js';
import { parseCheckpoint } from './checkpoint.js';
import { keyIdOf } from '../../kernel/keys/key-store.js';
import { lastSeq, recordPages } from './queries.js';
import { allCheckpoints } from './store.js';
import { LogVerifier, type CheckpointCopy, type VerificationReport } from './verify.js';
import type { Witness, WitnessedCheckpoint } from './witness.js';

/** Which of the database's checkpoints a witness does not hold (a failed write, or files removed). */
export interface WitnessCoverage {
  witness: string;
  held: number;
  /** Tree sizes of the database's checkpoints this witness lacks, in order. */
  missing: number[];
}

export interface LogVerification extends VerificationReport {
  witnesses: WitnessCoverage[];
  /** False when a witness lacks a checkpoint: the log may be intact, but it is not kept outside the database. */
  witnessesComplete: boolean;
}

function coverageOf(witness: Witness, copies: WitnessedCheckpoint[], signedSizes: number[]): WitnessCoverage {
  const held = new Set(copies.map((c) => parseCheckpoint(c.body)?.treeSize).filter((n) => n !== undefined));
  return { witness: witness.name, held: held.size, missing: signedSizes.filter((size) => !held.has(size)) };
}

export interface VerifyOptions {
  /** A read handle and its dialect (app/'s Storage satisfies it): verification never writes. */
  storage: AuditReader;
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
}: VerifyOptions): Promise<LogVerification> {
  const stored = await allCheckpoints(storage.db);
  const witnessed = witnesses.map((witness) => ({ witness, copies: witness.readAll() }));
  const copies: CheckpointCopy[] = [
    ...stored.map((cp) => ({
      origin: `database (tree size ${cp.treeSize})`,
      body: cp.body,
      signature: cp.signature,
    })),
    ...witnessed.flatMap((w) => w.copies),
  ];
  const verifier = new LogVerifier(publicKey, keyIdOf(publicKey), copies);
  const total = await lastSeq(storage);
  pages: for await (const page of recordPages(storage)) {
    for (const record of page) if (!verifier.push(record)) break pages;
    onProgress?.(verifier.checkedUpTo, total);
  }
  const coverage = witnessed.map((w) =>
    coverageOf(
      w.witness,
      w.copies,
      stored.map((cp) => cp.treeSize),
    ),
  );
  return {
    ...verifier.finish(),
    witnesses: coverage,
    witnessesComplete: coverage.every((c) => c.missing.length === 0),
  };
}
