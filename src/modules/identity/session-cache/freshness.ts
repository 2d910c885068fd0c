import { CompiledQuery } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { ReadDb } from '../../../kernel/store.js';
import type { SessionCache } from './cache.js';
import { SESSIONS_CHANNEL } from './changes.js';

/**
 * How the cache learns of changes made by other processes (a second instance, a CLI run). Asked before the
 * cache answers a request: false means "do not trust it now" and the request reads the database.
 */
export interface Freshness {
  usable(): Promise<boolean>;
  close(): Promise<void>;
}

const DATA_VERSION = CompiledQuery.raw('PRAGMA data_version');

/**
 * SQLite: `PRAGMA data_version` changes when another connection has committed to the file since this one last
 * asked, whatever it wrote; this process's own writes do not change it (they reach the cache as events). Any
 * such commit empties the cache: a CLI run on the same file is rare, and then every change is seen, those
 * made by something that is not a command included. A point read on the one connection: microseconds.
 */
export function dataVersionWatch(db: ReadDb, cache: SessionCache): Freshness {
  let seen: number | undefined;
  return {
    async usable() {
      const { rows } = await db.executeQuery<{ data_version: number }>(DATA_VERSION);
      const version = rows[0]?.data_version;
      if (version === undefined) return false;
      if (version !== seen) {
        seen = version;
        cache.clear();
      }
      return true;
    },
    close: () => Promise.resolve(),
  };
}

/**
 * PostgreSQL: a dedicated connection LISTENs on the sessions channel; every notification empties the cache.
 * The cache is trusted only while that connection is up and listening: until the first LISTEN has succeeded,
 * and from the moment the connection fails until a new one listens again, requests read the database (fail
 * closed), and a new subscription starts from an empty cache (what was missed meanwhile is unknown).
 * Reconnection is tried on a request at most once per `retryMs`.
 */
export class NotifyWatch implements Freshness {
  private client: pg.Client | undefined;
  private listening = false;
  private retryAt = 0;
  private closed = false;

  constructor(
    private readonly newClient: () => pg.Client,
    private readonly cache: SessionCache,
    private readonly logger: Logger,
    private readonly retryMs = 1000,
  ) {}

  usable(): Promise<boolean> {
    if (!this.listening && this.client === undefined && !this.closed && Date.now() >= this.retryAt) void this.listen();
    return Promise.resolve(this.listening);
  }

  private async listen(): Promise<void> {
    const client = this.newClient();
    this.client = client;
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel === SESSIONS_CHANNEL) this.cache.clear();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${SESSIONS_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.client !== client) return;
    this.cache.clear();
    this.listening = true;
  }

  private lost(client: pg.Client, error?: unknown): void {
    if (this.client !== client) return;
    const wasListening = this.listening;
    this.client = undefined;
    this.listening = false;
    this.retryAt = Date.now() + this.retryMs;
    this.cache.clear();
    // Once per loss, not once per failed reconnection while the database is away.
    if (wasListening && !this.closed) {
      const reason = error instanceof Error ? error.message : 'connection ended';
      this.logger.warn({ reason }, 'session cache: change notifications lost; sessions are read from the database');
    }
    client.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    this.listening = false;
    this.cache.clear();
    await client?.end().catch(() => undefined);
  }
}
