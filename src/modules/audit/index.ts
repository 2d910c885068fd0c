/** The public surface of the audit module: what other modules, the CLI and app/ may use. */
export { type AuditReader } from './db.js';
export { NOT_INDEPENDENT, notIndependentlyWitnessed } from './independence.js';
export { AuditLog, treeHeadOf } from './log.js';
export { merkleTreeHash } from './merkle.js';
export { inclusionProof } from './proofs.js';
export { lastSeq, latestRecordOf, recordPages } from './queries.js';
export { type AuditTables } from './schema.js';
export { PUBLIC_KEY_FILE, SIGNING_KEY_FILE, createSigningKey, loadSigner } from './signer.js';
export { allCheckpoints } from './store.js';
export { verifyLog, type LogVerification } from './verification.js';
export { verificationEventAt } from './verification-event.js';
export { type VerificationReport } from './verify.js';
export { witnessesFor, type Witness, type WitnessedCheckpoint } from './witness.js';
export { WitnessMonitor } from './witness-monitor.js';
export { witnessReport } from './witness-report.js';
