import { join } from 'node:path';
import type { BastionConfig } from '../kernel/config/schema.js';
import { openPostgres } from './postgres.js';
import { openSqlite } from './sqlite.js';
import type { Storage } from './storage.js';

export function sqliteFile(config: BastionConfig): string {
  return join(config.dataDir, 'bastion.db');
}

/** PostgreSQL when a URL is configured, otherwise the SQLite file in the data directory. */
export function openStorage(config: BastionConfig, onConnectionLost?: (error: Error) => void): Storage {
  return config.databaseUrl
    ? openPostgres(config.databaseUrl, undefined, onConnectionLost)
    : openSqlite(sqliteFile(config));
}
