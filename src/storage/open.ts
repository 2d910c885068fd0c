import { effectiveDatabaseUrl } from '../kernel/config/database.js';
import type { BastionConfig } from '../kernel/config/schema.js';
import { openPostgres } from './postgres.js';
import { DEFAULT_STATEMENT_NAMING } from './postgres-statements.js';
import { sqliteFile } from './files.js';
import { openSqlite } from './sqlite.js';
import type { Storage } from './storage.js';

export { sqliteFile } from './files.js';

/** PostgreSQL when a URL is configured, otherwise the SQLite file in the data directory. */
export function openStorage(config: BastionConfig, onConnectionLost?: (error: Error) => void): Storage {
  const databaseUrl = effectiveDatabaseUrl(config);
  return databaseUrl !== undefined
    ? openPostgres(
        databaseUrl,
        undefined,
        onConnectionLost,
        config.tls.ciphers,
        config.database.postgres.preparedStatements ? DEFAULT_STATEMENT_NAMING : false,
      )
    : openSqlite(sqliteFile(config), config.database.sqlite);
}
