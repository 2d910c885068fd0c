/** The public surface of the audit module: what other modules, the CLI and app/ may use. */
export { makeCheckpoint, parseCheckpoint, type SignedCheckpoint } from './checkpoint.js';
export { NOT_INDEPENDENT, notIndependentlyWitnessed } from './independence.js';
export { AuditLog, loadHead, nextRecord } from './log.js';
export {
  foldSubtrees,
  leafHash,
  merkleTreeHash,
  perfectRoot,
  perfectSubtrees,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
export { inclusionProof } from './proofs.js';
export { lastSeq, latestRecordOf, listRecords, recordPages } from './queries.js';
export { recordHash } from './record.js';
export { type AuditTables } from './schema.js';
export { PUBLIC_KEY_FILE, SIGNING_KEY_FILE, createSigningKey, loadSigner } from './signer.js';
export { LOWEST_STORED_LEVEL, allCheckpoints, latestCheckpoint, lockForAppend, nodeKey, readHead } from './store.js';
export { verifyLog, type LogVerification } from './verification.js';
export { type VerificationReport } from './verify.js';
export { DirectoryWitness, type Witness } from './witness.js';
export { WitnessMonitor } from './witness-monitor.js';
