import type { Logger } from 'pino';
import { SYSTEM_ACTOR } from '../../kernel/actors.js';
import type { CommandPort } from '../../kernel/module.js';
import { commitSamples, type TagSample } from './batch.js';

export type { TagSample } from './batch.js';

/** Where data changes go. One method, so that a connector does not care how samples are stored. */
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

/**
 * Gathers samples into batches, each committed as one `opcua.samples.commit` command through the
 * pipeline (one transaction, one audit record with the batch's Merkle root): per-row commits would cost
 * a disk sync and an audit record each. A write resolves only once its batch has committed, so a caller
 * never acknowledges a lost value.
 */
export class SampleTableSink implements TagSink {
  private pending: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly commands: CommandPort,
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
      const samples = batch.map((p) => p.sample);
      await this.commands.execute(commitSamples, { samples }, SYSTEM_ACTOR, { channel: 'opcua' });
      for (const p of batch) p.done.resolve();
    } catch (error) {
      this.logger.error({ err: error, samples: batch.length }, 'OPC UA sample batch not stored');
      for (const p of batch) p.done.reject(error);
    }
  }
}
