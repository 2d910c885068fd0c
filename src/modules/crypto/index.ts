/** The public surface of the crypto module: what app/, the CLI, benches and tests may use. */
export { cryptoModule } from './module.js';
export { Keyring, ACTIVE_KEY_TTL_MS, BLIND_INDEX_PURPOSE } from './keyring.js';
export { prepareKeyring, startKeyring } from './start.js';
export { openKek, localKek, KEK_FILE, KEK_SALT_FILE, type KeyEncryptionKey, type KekSettings } from './kek.js';
export { rotateKeys, rotatablePurposes, type PurposeRotation } from './rotation.js';
export { sealClearValues } from './seal-clear.js';
export { listKeys, type KeyList } from './queries.js';
export { sealedColumns, PIPELINE_PURPOSE, type SealedColumn } from './columns.js';
export type { CryptoService } from './commands.js';
export type { CryptoTables } from './schema.js';
