import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { Storage } from './storage.js';
import type { AnyTables as Database } from '../kernel/store.js';
import { pgConnection } from './postgres-tls.js';
import { DatabaseUnavailableError, isConnectionLoss } from './unavailable.js';

// int8 arrives as a string by default; every Bastion bigint (sequence numbers, epoch ms) fits in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

function safeLocation(url: string): string {
  const parsed = new URL(url);
  return `postgres://${parsed.host}${parsed.pathname}`;
}

/** A query's failure as the caller should see it: a lost connection is a 503, anything else stays as it is. */
function translated(error: unknown): unknown {
  return isConnectionLoss(error) ? new DatabaseUnavailableError(error) : error;
}

/**
 * The pool as Kysely sees it, with database loss turned into DatabaseUnavailableError: a command that meets
 * a restart fails with a clear 503 (and is audited as failed once the database is back), never a 500.
 * Every failure to connect is unavailability, whatever its cause (refused, starting up, bad password).
 */
function guardedPool(pool: pg.Pool): PostgresPool {
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const query = (sql: string, parameters: readonly unknown[]) =>
      client.query(sql, [...parameters]).catch((error: unknown) => {
        throw translated(error);
      });
    // pg-pool sets a new `release` on every checkout: read it at call time.
    const wrapper = { query, release: () => client.release() } as unknown as PostgresPoolClient;
    wrappers.set(client, wrapper);
    return wrapper;
  };
  return {
    async connect() {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw new DatabaseUnavailableError(error);
      }
      return wrappers.get(client) ?? wrap(client);
    },
    end: () => pool.end(),
  };
}

/**
 * `onConnectionError` hears every connection the server ends (restart, failover, pg_terminate_backend).
 * pg emits those as 'error' events, on the pool for an idle client and on the Client itself for one that
 * is checked out: an 'error' event without a listener is an uncaught exception that ends the process, so
 * both have one. The pool drops a broken client when it is released and connects anew on the next query.
 * TLS follows the URL's libpq parameters (postgres-tls.ts) under the TLS policy's `ciphers`.
 */
export function openPostgres(
  url: string,
  poolSize = 10,
  onConnectionError: (error: Error) => void = () => undefined,
  ciphers?: string,
): Storage {
  const { connectionString, ssl } = pgConnection(url, ciphers);
  // A connect that hangs (a network cut, not a refused port) ends as a 503 after 30 s instead of never; the
  // same bound covers waiting for a free pool client, so it is generous enough for a burst of load.
  const pool = new pg.Pool({ connectionString, ssl, max: poolSize, connectionTimeoutMillis: 30_000, keepAlive: true });
  pool.on('error', () => undefined); // already reported by the client's own listener below
  pool.on('connect', (client) => client.on('error', onConnectionError));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guardedPool(pool) }) });
  return {
    db,
    dialect: 'postgres',
    capabilities: { multipleWriters: true, binaryType: 'bytea', bigIntType: 'bigint' },
    location: safeLocation(url),
    connections: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => db.destroy(),
  };
}
