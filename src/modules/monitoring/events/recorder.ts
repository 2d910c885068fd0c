import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../../kernel/clock.js';
import type { EventBus } from '../../../kernel/events.js';
import { newId } from '../../../kernel/ids.js';
import type { Transact } from '../../../kernel/store.js';
import type { MonitoringTables } from '../schema.js';
import type { SecurityEvent } from './model.js';
import { rowOf } from './rows.js';
import { securityEventOf } from './normalize.js';

export interface RecorderDeps {
  events: EventBus;
  /** The declared writer 'monitoring.events' (kernel/module.ts). */
  transact: Transact;
  clock: Clock;
  logger: Logger;
  /** Most events held before a write is forced; and the longest they wait (ms). */
  batch?: number;
  delayMs?: number;
}

/** Rows per INSERT: 18 columns each stays far below SQLite's and PostgreSQL's parameter limits. */
const ROWS_PER_INSERT = 200;

/**
 * Turns the bus's events into stored security events, in every process that runs commands (serve, the CLI), so
 * the detector (detector.ts, in serve) sees what any process or instance noticed. Events are written in batches
 * by the declared writer 'monitoring.events', not one command each: they are observations of happenings the
 * audit log already holds, and auditing them again would double every write. A failed write is logged and the
 * batch kept for the next try.
 */
export class SecurityEventRecorder {
  /** This process, on every row it writes: its own detector takes its events from memory, not back from disk. */
  readonly instance = newId();
  private buffer: SecurityEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  private readonly listeners: ((events: readonly SecurityEvent[]) => void)[] = [];

  constructor(private readonly deps: RecorderDeps) {}

  attach(): this {
    this.unsubscribe = this.deps.events.subscribe('*', (event) => {
      const security = securityEventOf(event);
      if (security) this.add(security);
    });
    return this;
  }

  /** Called with each batch once it is written: the detector in this process takes them from here. */
  onWritten(listener: (events: readonly SecurityEvent[]) => void): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener) >>> 0, 1);
  }

  add(event: SecurityEvent): void {
    this.buffer.push(event);
    if (this.buffer.length >= (this.deps.batch ?? 500)) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.deps.delayMs ?? 100).unref();
  }

  /** Writes what is held; resolves when everything added before the call is written (or has failed). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    this.writing = this.writing.then(() => this.write(batch));
    return this.writing;
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    await this.flush();
  }

  private async write(batch: SecurityEvent[]): Promise<void> {
    if (batch.length === 0) return;
    const recordedAt = this.deps.clock.now();
    try {
      await this.deps.transact(async (uow) => {
        const tx = uow.tx as Kysely<MonitoringTables>;
        for (let i = 0; i < batch.length; i += ROWS_PER_INSERT)
          await tx
            .insertInto('security_events')
            .values(batch.slice(i, i + ROWS_PER_INSERT).map((e) => rowOf(e, recordedAt, this.instance)))
            .execute();
      });
    } catch (error) {
      this.deps.logger.error({ err: error, events: batch.length }, 'could not record security events; kept for retry');
      this.buffer.unshift(...batch);
      this.timer ??= setTimeout(() => void this.flush(), 1000).unref();
      return;
    }
    for (const listener of this.listeners) listener(batch);
  }
}
