import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { EventBus } from '../events.js';
import type { AuditEntry } from './types.js';

export const REPEATED_DENIALS_EVENT = 'security.denials.repeated';

/** How many distinct (actor, action, reason) series are held at once; past it the oldest is written early. */
const MAX_SERIES = 10_000;

interface Series {
  entry: AuditEntry;
  firstSeq?: number;
  firstAt: number;
  lastAt: number;
  endsAt: number;
  /** Denials after the first, not yet written. */
  count: number;
  timer: NodeJS.Timeout;
}

export interface DenialDeps {
  windowMs: number;
  clock: Clock;
  events: EventBus;
  logger: Logger;
  /** Appends one audit record in its own transaction; resolves to its sequence number (undefined if it failed). */
  write(entry: AuditEntry, at: number): Promise<number | undefined>;
}

/**
 * Keeps the audit log useful under a flood of refusals. The first denial of a series (same actor, same action,
 * same reason) is audited at once; identical denials within the window that follows are only counted, then
 * written as ONE record carrying the count (and a `security.denials.repeated` event) when the window ends, when
 * a denial after it starts a new series, or at shutdown. So every denial is accounted for, and an actor
 * hammering one route adds two records per window, not one per request.
 */
export class DenialAggregator {
  private readonly series = new Map<string, Series>();

  constructor(private readonly deps: DenialDeps) {}

  async record(entry: AuditEntry): Promise<void> {
    const key = JSON.stringify([entry.actor.kind, entry.actor.id, entry.action, entry.outcome, entry.reason]);
    const now = this.deps.clock.now();
    const open = this.series.get(key);
    if (open && now < open.endsAt) {
      open.count += 1;
      open.lastAt = now;
      open.entry = { ...open.entry, origin: entry.origin }; // the latest address and request
      return;
    }
    // Everything up to here is synchronous, so a concurrent identical denial joins this series instead of
    // starting its own; `close` takes the series out of the map before its first await.
    const closing = open ? [this.close(key)] : [];
    if (this.series.size >= MAX_SERIES) closing.push(this.close(this.series.keys().next().value!));
    const timer = setTimeout(() => void this.close(key), this.deps.windowMs);
    timer.unref();
    const started: Series = { entry, firstAt: now, lastAt: now, endsAt: now + this.deps.windowMs, count: 0, timer };
    this.series.set(key, started);
    await Promise.all(closing);
    started.firstSeq = await this.deps.write(entry, now);
  }

  /** Writes every open series (shutdown). */
  async flush(): Promise<void> {
    for (const key of [...this.series.keys()]) await this.close(key);
  }

  private async close(key: string): Promise<void> {
    const series = this.series.get(key);
    if (!series) return;
    this.series.delete(key);
    clearTimeout(series.timer);
    if (series.count === 0) return;
    const summary = {
      repeated: series.count,
      firstSeq: series.firstSeq,
      firstAt: new Date(series.firstAt).toISOString(),
      lastAt: new Date(series.lastAt).toISOString(),
    };
    try {
      await this.deps.write(
        { ...series.entry, details: { ...series.entry.details, ...summary } },
        this.deps.clock.now(),
      );
      const { actor, action, reason } = series.entry;
      const payload = { actor: { kind: actor.kind, id: actor.id }, action, reason, ...summary };
      this.deps.logger.warn(payload, 'repeated denials');
      await this.deps.events.publish({ type: REPEATED_DENIALS_EVENT, payload, at: this.deps.clock.now() });
    } catch (error) {
      this.deps.logger.error({ err: error, action: series.entry.action }, 'could not record repeated denials');
    }
  }
}
