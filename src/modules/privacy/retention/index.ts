/**
 * Retention and disposal by category (privacy.retention): what the privacy module registers. The module adds
 * `disposalCommands({ config, catalog })` to its commands and `disposePermission` to its permissions;
 * serve starts a RetentionService with the scheduled command.
 */
export { disposalCommands, DISPOSE_PERMISSION, DEFAULT_BATCH, type DisposalDeps } from './command.js';
export { eraseFormerStaff } from './former-staff.js';
export { batchRunner, disposalPass, disposalPreview, expiredCount, type DisposalLine } from './pass.js';
export { disposePermission } from './permission.js';
export { RetentionService, type RetentionHost } from './service.js';
export { retentionTargets, type RetentionTarget } from './targets.js';
