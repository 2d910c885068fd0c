import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import type { BastionConfig } from '../kernel/config/schema.js';
import { createSelfSignedCertificate } from '../http/tls.js';
import { SIGNING_KEY_FILE } from '../modules/audit/index.js';
import { SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../kernel/actors.js';
import { openBastion } from './bastion.js';

export interface InitResult {
  dataDir: string;
  publicKeyFile: string;
  signingKeyCreated: boolean;
  certificateCreated: boolean;
  /** Present only when this run created the bootstrap administrator: shown once, never stored. */
  admin?: { username: string; oneTimePassword: string };
}

/**
 * Prepares a data directory: a self-signed TLS certificate unless one is configured, the database schema,
 * the shared keys (0600; made only when the database records none, see keys.ts) and the bootstrap
 * administrator. Running it again changes nothing.
 */
export async function initialize(
  config: BastionConfig,
  logger: Logger,
  adminUsername = 'admin',
  /** Where the KEK variables are read (default: this process's environment). */
  env?: NodeJS.ProcessEnv,
): Promise<InitResult> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const certificateCreated =
    config.http.tlsCertFile !== undefined ? false : await createSelfSignedCertificate(config.dataDir, [config.host]);
  const bastion = await openBastion(config, { logger, initializing: true, ...(env ? { env } : {}) });
  const signingKeyCreated = bastion.createdKeys.includes(SIGNING_KEY_FILE);
  const publicKeyFile = bastion.publicKeyFile;
  try {
    const anyUser = await bastion.storage.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
    let admin: InitResult['admin'];
    if (!anyUser) {
      const result = await bastion.pipeline.execute<{ username: string; oneTimePassword: string }>(
        'identity.bootstrap',
        { username: adminUsername },
        SYSTEM_ACTOR,
        SYSTEM_ORIGIN,
      );
      admin = { username: result.username, oneTimePassword: result.oneTimePassword };
    }
    await bastion.audit.checkpointNow();
    return { dataDir: config.dataDir, publicKeyFile, signingKeyCreated, certificateCreated, admin };
  } finally {
    await bastion.close();
  }
}
