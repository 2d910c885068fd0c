import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Storage } from './storage.js';
import type { Database } from './tables.js';

// int8 arrives as a string by default; every Bastion bigint (sequence numbers, epoch ms) fits in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

function safeLocation(url: string): string {
  const parsed = new URL(url);
  return `postgres://${parsed.host}${parsed.pathname}`;
}

export function openPostgres(
  url: string,
  poolSize = 10,
  onIdleError: (error: Error) => void = () => undefined,
): Storage {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // A server restart, a failover or an administrator ends idle connections; the pool replaces them on the
  // next query. Without a listener that event would be an uncaught exception and stop Bastion.
  pool.on('error', onIdleError);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    capabilities: { multipleWriters: true, binaryType: 'bytea', bigIntType: 'bigint' },
    location: safeLocation(url),
    close: () => db.destroy(),
  };
}
