import type { Logger } from 'pino';
import { newId } from '../../kernel/ids.js';
import { inTransaction, type Storage } from '../../storage/storage.js';

export interface TagSample {
  connection: string;
  equipment: string;
  tag: string;
  /** Source time of the value (the device's clock), epoch milliseconds. */
  ts: number;
  value: number | string | boolean;
}

/** Where data changes go. One method, so that the ingest module can later take the samples instead. */
export interface TagSink {
  write(sample: TagSample): Promise<void>;
}

export interface BatchOptions {
  maxSamples: number;
  maxDelayMs: number;
}

interface Pending {
  sample: TagSample;
  done: { resolve(): void; reject(error: unknown): void };
}

function row(sample: TagSample) {
  const { value } = sample;
  return {
    id: newId(),
    connection: sample.connection,
    equipment_path: sample.equipment,
    tag: sample.tag,
    ts: sample.ts,
    kind: typeof value,
    // Booleans are kept as 0/1 with their kind, so a state tag can still be charted.
    value_number: typeof value === 'string' ? null : Number(value),
    value_text: typeof value === 'string' ? value : null,
  };
}

/**
 * Stores samples in `opcua_samples`, one transaction per batch: per-row commits would cost a disk sync
 * each. A write resolves only once its batch has committed, so a caller never acknowledges a lost value.
 */
export class SampleTableSink implements TagSink {
  private pending: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: Storage,
    private readonly logger: Logger,
    private readonly options: BatchOptions,
  ) {}

  write(sample: TagSample): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ sample, done: { resolve, reject } });
      if (this.pending.length >= this.options.maxSamples) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), this.options.maxDelayMs);
    });
  }

  /** Commits what is waiting; batches are written one after another, in arrival order. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.commit(batch));
    return this.flushing;
  }

  private async commit(batch: Pending[]): Promise<void> {
    try {
      // inTransaction: on SQLite, BEGIN IMMEDIATE, so a CLI process writing meanwhile waits, not fails.
      await inTransaction(this.storage, this.logger, async ({ tx }) => {
        // Bound each INSERT's parameter count (PostgreSQL allows 65535; SQLite builds may allow less).
        for (let i = 0; i < batch.length; i += 500)
          await tx
            .insertInto('opcua_samples')
            .values(batch.slice(i, i + 500).map((p) => row(p.sample)))
            .execute();
      });
      for (const p of batch) p.done.resolve();
    } catch (error) {
      this.logger.error({ err: error, samples: batch.length }, 'OPC UA sample batch not stored');
      for (const p of batch) p.done.reject(error);
    }
  }
}
