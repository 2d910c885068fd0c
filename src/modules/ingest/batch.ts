import type { Logger } from 'pino';
import { SYSTEM_ACTOR } from '../../kernel/actors.js';
import type { CommandPort } from '../../kernel/module.js';
import type { ValueRow } from './batch-root.js';
import type { BatchContent, Offline, QuarantinedMessage, SecurityEvent } from './batch-content.js';
import { commitBatch } from './commit.js';

export interface BatchOptions {
  maxMessages: number;
  maxDelayMs: number;
}

/** What one accepted message adds to a batch. */
export interface BatchItem {
  values?: ValueRow[];
  quarantined?: QuarantinedMessage;
  event?: SecurityEvent;
  /** An edge node or Sparkplug device that went away (death certificate or lost connection). */
  offline?: Offline;
}

/** Called once the batch holding the item committed (no argument) or failed (the error). */
export type Settle = (error?: Error) => void;

class Pending {
  readonly content: Required<BatchContent> = { values: [], quarantined: [], events: [], offline: [] };
  readonly waiters: Settle[] = [];
  readonly eventIndex = new Map<string, SecurityEvent>();
  messages = 0;
}

const eventKey = (e: SecurityEvent) => [e.kind, e.deviceId, e.username, e.address].join('\u0000');

/**
 * Groups accepted messages into batches: one transaction per batch, flushed after `maxDelayMs` or at
 * `maxMessages`, whichever comes first. One flush runs at a time (one writer, and batches commit in
 * arrival order); messages arriving meanwhile gather in the next batch, which is how the batch size grows
 * with the load. Repeats of a security event in one batch are counted, not stored one by one, so a flood
 * cannot turn into a flood of writes.
 */
export class BatchWriter {
  private pending = new Pending();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly commands: CommandPort,
    private readonly logger: Logger,
    private readonly options: BatchOptions,
  ) {}

  add(item: BatchItem, settle?: Settle): void {
    const p = this.pending;
    if (item.values) for (const row of item.values) p.content.values.push(row);
    if (item.quarantined) p.content.quarantined.push(item.quarantined);
    if (item.event) this.addEvent(p, item.event);
    if (item.offline) p.content.offline.push(item.offline);
    if (settle) p.waiters.push(settle);
    p.messages += 1;
    if (p.messages >= this.options.maxMessages) this.kick();
    else this.arm();
  }

  /** Commits whatever is pending and waits for it (at stop, and in tests). */
  async drain(): Promise<void> {
    while (this.flushing || this.pending.messages > 0) {
      this.kick();
      await this.flushing;
    }
  }

  private addEvent(p: Pending, event: SecurityEvent): void {
    const same = p.eventIndex.get(eventKey(event));
    if (same) same.count += event.count;
    else {
      const copy = { ...event };
      p.eventIndex.set(eventKey(copy), copy);
      p.content.events.push(copy);
    }
  }

  private kick(): void {
    if (this.flushing || this.pending.messages === 0) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Pending();
    this.flushing = this.commit(batch).finally(() => {
      this.flushing = undefined;
      if (this.pending.messages >= this.options.maxMessages) this.kick();
      else if (this.pending.messages > 0) this.arm();
    });
  }

  private arm(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, this.options.maxDelayMs);
  }

  private async commit(batch: Pending): Promise<void> {
    let failure: Error | undefined;
    try {
      await this.commands.execute(commitBatch, batch.content, SYSTEM_ACTOR, { channel: 'mqtt' });
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      this.logger.error(
        { err: failure, messages: batch.messages },
        'ingest batch failed; its messages are not acknowledged',
      );
    }
    for (const settle of batch.waiters) settle(failure);
  }
}
