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
  /** False when the witness could not be read (a remote one down): its copies did not take part. */
  reachable: boolean;
  /** Why it could not be read: a safe, short reason. */
  error?: string;
  /** The newest tree size the witness holds (for a remote witness, the copy checked). */
  newest: number | null;
}

export interface LogVerification extends VerificationReport {
  witnesses: WitnessCoverage[];
  /** False when a witness lacks a checkpoint: the log may be intact, but it is not kept outside the database. */
  witnessesComplete: boolean;
}

interface WitnessRead {
  witness: Witness;
  copies: WitnessedCheckpoint[];
  sizes: number[];
  error?: string;
}

/** Reads one witness; an unreachable one is reported, never fatal: the others still verify the log. */
async function readWitness(witness: Witness): Promise<WitnessRead> {
  try {
    const copies = await witness.readAll();
    const fromCopies = copies.map((c) => parseCheckpoint(c.body)?.treeSize).filter((n) => n !== undefined);
    const sizes = witness.heldSizes ? await witness.heldSizes() : fromCopies;
    return { witness, copies, sizes };
  } catch (error) {
    const reason = error instanceof Error ? error.message.slice(0, 300) : 'unreadable';
    return { witness, copies: [], sizes: [], error: reason };
  }
}

function coverageOf(read: WitnessRead, signedSizes: number[]): WitnessCoverage {
  const held = new Set(read.sizes);
  const newest = read.sizes.length > 0 ? Math.max(...read.sizes) : null;
  if (read.error !== undefined)
    return { witness: read.witness.name, held: 0, missing: [], reachable: false, error: read.error, newest };
  return {
    witness: read.witness.name,
    held: held.size,
    missing: signedSizes.filter((size) => !held.has(size)),
    reachable: true,
    newest,
  };
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
  const witnessed = await Promise.all(witnesses.map(readWitness));
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
  const signedSizes = stored.map((cp) => cp.treeSize);
  const coverage = witnessed.map((w) => coverageOf(w, signedSizes));
  return {
    ...verifier.finish(),
    witnesses: coverage,
    witnessesComplete: coverage.every((c) => c.reachable && c.missing.length === 0),
  };
}
