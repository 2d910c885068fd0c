import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { Storage } from './storage.js';
import type { AnyTables as Database } from '../kernel/store.js';
import { DEFAULT_STATEMENT_NAMING, StatementNames, type StatementNaming } from './postgres-statements.js';
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
 * A named statement the server can no longer run as it was parsed: a table under it changed its columns
 * ("cached plan must not change result type"), or the statement is gone (a pooler in transaction mode that
 * does not track prepared statements, a DEALLOCATE).
 */
function staleStatement(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    code === '26000' ||
    (code === '0A000' && typeof message === 'string' && message.includes('cached plan must not change result type'))
  );
}

/**
 * The pool as Kysely sees it, with database loss turned into DatabaseUnavailableError: a command that meets
 * a restart fails with a clear 503 (and is audited as failed once the database is back), never a 500.
 * Every failure to connect is unavailability, whatever its cause (refused, starting up, bad password).
 *
 * Texts that `names` picks are sent as named prepared statements (pg parses a name once per connection). A
 * named statement gone stale ends its connection at release, so the pool's next one starts with none; outside
 * a transaction the failed statement had no effect, so it is sent again unnamed at once. Inside one, the
 * transaction fails as it would on any other error.
 */
function guardedPool(pool: pg.Pool, names: StatementNames | undefined): PostgresPool {
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let stale = false;
    const unnamed = (sql: string, values: unknown[]) => client.query(sql, values);
    const send = async (sql: string, values: unknown[]) => {
      const name = stale ? undefined : names?.nameFor(sql);
      if (name === undefined) return unnamed(sql, values);
      const idle = client.getTransactionStatus() === 'I';
      try {
        return await client.query({ name, text: sql, values });
      } catch (error) {
        if (!staleStatement(error)) throw error;
        stale = true;
        if (!idle) throw error;
        return unnamed(sql, values);
      }
    };
    const query = (sql: string, parameters: readonly unknown[]) =>
      send(sql, [...parameters]).catch((error: unknown) => {
        throw translated(error);
      });
    // pg-pool sets a new `release` on every checkout: read it at call time. A stale client is destroyed.
    const release = () => {
      if (stale) wrappers.delete(client);
      client.release(stale);
    };
    const wrapper = { query, release } as unknown as PostgresPoolClient;
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
 * TLS follows the URL's libpq parameters (postgres-tls.ts) under the TLS policy's `ciphers`. `naming` says which
 * texts become named prepared statements (postgres-statements.ts); false sends every query unnamed, for a pooler
 * that cannot keep a connection's prepared statements.
 */
export function openPostgres(
  url: string,
  poolSize = 10,
  onConnectionError: (error: Error) => void = () => undefined,
  ciphers?: string,
  naming: StatementNaming | false = DEFAULT_STATEMENT_NAMING,
): Storage {
  const { connectionString, ssl } = pgConnection(url, ciphers);
  // A connect that hangs (a network cut, not a refused port) ends as a 503 after 30 s instead of never; the
  // same bound covers waiting for a free pool client, so it is generous enough for a burst of load.
  const pool = new pg.Pool({ connectionString, ssl, max: poolSize, connectionTimeoutMillis: 30_000, keepAlive: true });
  pool.on('error', () => undefined); // already reported by the client's own listener below
  pool.on('connect', (client) => client.on('error', onConnectionError));
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: guardedPool(pool, naming === false ? undefined : new StatementNames(naming)),
    }),
  });
  return {
    db,
    dialect: 'postgres',
    capabilities: { multipleWriters: true, binaryType: 'bytea', bigIntType: 'bigint' },
    location: safeLocation(url),
    connections: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => db.destroy(),
  };
}
