/** The public surface of the identity module: what other modules, the CLI and app/ may use. */
export { grantHolds } from './authorizer.js';
export { MAX_VENDOR_DAYS } from './commands/users.js';
export { accessMatrix, type AccessMatrix } from './matrix.js';
export { ADMINISTRATOR, builtInRoles } from './roles.js';
export { type IdentityTables } from './schema.js';
export { ENTERPRISE, covers } from './scope.js';
export { SECRETS_KEY_FILE, createSecretsKey, secretsKeyFingerprint } from './secrets.js';
export { grantsOf } from './sessions.js';
export { publicUser, userByName } from './users-store.js';
export { ERASED_NAME, openAccount, openDisplayName } from './personal-data.js';
export { eraseAccount, type AccountErasure } from './erasure.js';
