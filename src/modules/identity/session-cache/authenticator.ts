import pg from 'pg';
import { effectiveDatabaseUrl } from '../../../kernel/config/database.js';
import type { ModuleContext } from '../../../kernel/module.js';
import type { Authenticated, Authenticator } from '../../../kernel/pipeline/types.js';
import type { ReadDb } from '../../../kernel/store.js';
import { pgConnection } from '../../../storage/postgres-tls.js';
import type { Database } from '../db.js';
import { hashToken, loadSession, sessionVerdict, type SessionPolicy } from '../sessions.js';
import { SessionCache } from './cache.js';
import { SESSIONS_CHANGED } from './changes.js';
import { dataVersionWatch, NotifyWatch, type Freshness } from './freshness.js';

/**
 * Finds the session of a token, answering from an in-process cache of what the database said of it when it
 * can. What the cache may hold and for how long:
 * - facts, never a verdict: expiry, idle timeout and grant expiry are judged against each request's time;
 * - only sessions that stood when read; a cached session that no longer stands is read again before it is
 *   refused, so a refusal always rests on the database, and a stale copy can only err by being refused later
 *   than the database would, which invalidation prevents;
 * - until a change that may end a session or change its rights: this process's commands publish it after
 *   commit (SESSIONS_CHANGED); other processes' reach it through `Freshness` (SQLite data_version, PostgreSQL
 *   LISTEN/NOTIFY); the TTL only bounds what a lost message could leave behind.
 */
export class CachingAuthenticator implements Authenticator {
  private readonly cache: SessionCache;
  /** Undefined when the cache is off (`session.cacheSeconds` 0): every request reads the database. */
  private readonly watch: Freshness | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly db: ReadDb<Database>,
    private readonly policy: SessionPolicy,
    ttlMs: number,
    private readonly freshness: (cache: SessionCache) => Freshness,
    subscribe: (handler: (payload: Record<string, unknown>) => void) => () => void,
  ) {
    this.cache = new SessionCache(ttlMs);
    this.watch = ttlMs > 0 ? freshness(this.cache) : undefined;
    this.unsubscribe = subscribe((payload) => {
      if (typeof payload.sessionId === 'string') this.cache.forgetSession(payload.sessionId);
      else this.cache.clear();
    });
  }

  async authenticate(token: string, now: number): Promise<Authenticated | undefined> {
    const key = hashToken(token);
    if (!this.watch || !(await this.watch.usable())) return this.fromDatabase(key, now);
    const cached = this.cache.get(key, now);
    const verdict = cached && sessionVerdict(cached, now, this.policy);
    if (verdict) return verdict;
    const mark = this.cache.mark();
    const facts = await loadSession(this.db, key, now);
    const fresh = facts && sessionVerdict(facts, now, this.policy);
    if (fresh) this.cache.put(key, facts, now, mark);
    else this.cache.forget(key);
    return fresh;
  }

  private async fromDatabase(key: string, now: number): Promise<Authenticated | undefined> {
    const facts = await loadSession(this.db, key, now);
    return facts && sessionVerdict(facts, now, this.policy);
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.watch?.close();
  }
}

/** The identity module's authenticator for one instance, with the freshness watch its database needs. */
export function sessionAuthenticator(context: ModuleContext): CachingAuthenticator {
  const { config } = context;
  const policy = {
    idleMs: config.session.idleMinutes * 60_000,
    terminalIdleMs: config.session.terminalIdleMinutes * 60_000,
  };
  const url = effectiveDatabaseUrl(config);
  const freshness = (cache: SessionCache): Freshness => {
    if (context.dialect.dialect === 'sqlite' || url === undefined) return dataVersionWatch(context.db, cache);
    const { connectionString, ssl } = pgConnection(url, config.tls.ciphers);
    const client = () =>
      new pg.Client({
        connectionString,
        ssl,
        application_name: 'bastion-session-listener',
        keepAlive: true,
        connectionTimeoutMillis: 30_000,
      });
    return new NotifyWatch(client, cache, context.logger);
  };
  return new CachingAuthenticator(
    context.db as ReadDb<Database>,
    policy,
    config.session.cacheSeconds * 1000,
    freshness,
    (handler) => context.events.subscribe(SESSIONS_CHANGED, (event) => handler(event.payload)),
  );
}
