import type { Logger } from 'pino';
import type { MonitoringConfig } from '../../kernel/config/monitoring.js';
import type { Clock } from '../../kernel/clock.js';
import { SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../../kernel/actors.js';
import type { CommandPort } from '../../kernel/module.js';
import type { ReadDb } from '../../kernel/store.js';
import type { AnyCommand } from '../../kernel/pipeline/types.js';
import { dueForEscalation } from './alerts/commands.js';
import type { Database } from './db.js';
import type { SecurityEvent } from './events/model.js';
import { eventOf } from './events/rows.js';
import type { DetectionRule } from './rules/model.js';
import { RuleEngine, type Firing } from './rules/engine.js';
import { effectiveRules } from './rules/store.js';

export interface DetectorDeps {
  db: ReadDb<Database>;
  commands: CommandPort;
  clock: Clock;
  logger: Logger;
  config: MonitoringConfig;
  /** The registered commands the detector runs as the system actor. */
  raise: AnyCommand;
  escalate: AnyCommand;
  /** This process's recorder id: its events come through `observeLocal`, the polls read only the others'. */
  instance: string;
}

/** How far back each read looks again: events written by another process may commit a little out of order. */
const LOOKBACK_MS = 5_000;
const PAGE = 1000;
const RULES_EVERY_MS = 30_000;
const ESCALATION_EVERY_MS = 15_000;
const COALESCE_MS = 5_000;

/**
 * Runs in `bastion serve`: takes the security events its own process records from the recorder, reads those
 * other processes (the CLI, other instances) recorded from the database, runs the rules over them and
 * raises what fires through the pipeline (`monitoring.alerts.raise`, audited), and escalates alerts nobody
 * acknowledged in time. At start it replays the longest window (and the login history) without raising, so a
 * restart neither forgets an attack under way nor raises its alerts twice.
 */
export class Detector {
  private readonly engine = new RuleEngine();
  private cursor = 0;
  /** Ids read within the lookback, so a re-read event is not counted twice. */
  private seen = new Map<string, number>();
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private rulesLoadedAt = 0;
  private readonly lastRaised = new Map<string, number>();
  private readonly held = new Map<string, Firing>();
  private heldTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: DetectorDeps) {}

  async start(): Promise<void> {
    // An instance that records but does not detect (monitoring.detection false) reads no history at start.
    if (!this.deps.config.detection) return;
    const rules = await effectiveRules(this.deps.db);
    this.engine.setRules(rules);
    this.rulesLoadedAt = this.deps.clock.now();
    await this.warmUp(rules);
    this.timers.push(setInterval(() => this.nudge(), this.deps.config.pollMs).unref());
    this.timers.push(setInterval(() => void this.escalateOverdue(), ESCALATION_EVERY_MS).unref());
  }

  /** Reads what other processes recorded since the last read. */
  nudge(): void {
    this.enqueue(() => this.poll());
  }

  /** Events this process has just written (the recorder hands them over): no read back from the database. */
  observeLocal(events: readonly SecurityEvent[]): void {
    this.enqueue(async () => {
      for (const event of events) for (const firing of this.engine.observe(event)) await this.raise(firing);
    });
  }

  private enqueue(work: () => Promise<void>): void {
    if (this.stopped || !this.deps.config.detection) return;
    this.running = this.running.then(work).catch((error: unknown) => {
      this.deps.logger.error({ err: error }, 'monitoring: detection pass failed');
    });
  }

  /** Resolves once everything handed over or recorded so far has been read and its alerts raised. */
  async settled(): Promise<void> {
    this.nudge();
    this.enqueue(() => this.raiseHeld());
    await this.running;
  }

  async reloadRules(): Promise<void> {
    this.engine.setRules(await effectiveRules(this.deps.db));
    this.rulesLoadedAt = this.deps.clock.now();
  }

  async stop(): Promise<void> {
    this.enqueue(() => this.raiseHeld());
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.running;
  }

  private async warmUp(rules: readonly DetectionRule[]): Promise<void> {
    const now = this.deps.clock.now();
    const longest = Math.max(...rules.map((r) => r.windowSeconds)) * 1000;
    const historyDays = Math.max(...rules.map((r) => r.params.historyDays ?? 0));
    const logins = await this.deps.db
      .selectFrom('security_events')
      .selectAll()
      .where('kind', '=', 'login.succeeded')
      .where('at', '>=', now - historyDays * 86_400_000)
      .where('at', '<', now - longest)
      .orderBy('at')
      .execute();
    for (const row of logins) this.engine.learn(eventOf(row));
    const recent = await this.deps.db
      .selectFrom('security_events')
      .selectAll()
      .where('recorded_at', '>=', now - longest)
      .orderBy('recorded_at')
      .orderBy('id')
      .execute();
    for (const row of recent) {
      this.engine.observe(eventOf(row));
      this.seen.set(row.id, Number(row.recorded_at));
    }
    this.cursor = now;
  }

  private async poll(): Promise<void> {
    if (this.deps.clock.now() - this.rulesLoadedAt > RULES_EVERY_MS) await this.reloadRules();
    for (;;) {
      const rows = await this.deps.db
        .selectFrom('security_events')
        .selectAll()
        .where('recorded_at', '>=', this.cursor - LOOKBACK_MS)
        .where('recorded_by', '!=', this.deps.instance)
        .orderBy('recorded_at')
        .orderBy('id')
        .limit(PAGE + this.seen.size)
        .execute();
      const fresh = rows.filter((r) => !this.seen.has(r.id));
      for (const row of fresh) {
        this.seen.set(row.id, Number(row.recorded_at));
        this.cursor = Math.max(this.cursor, Number(row.recorded_at));
        for (const firing of this.engine.observe(eventOf(row))) await this.raise(firing);
      }
      this.forgetOld();
      if (fresh.length < PAGE) return;
    }
  }

  private forgetOld(): void {
    const before = this.cursor - LOOKBACK_MS;
    for (const [id, at] of this.seen) if (at < before) this.seen.delete(id);
  }

  /**
   * A rule firing again for the same group soon after (an attack going on) is held and raised once per
   * COALESCE_MS with the counts summed: the alert's count stays exact, its audit trail gains one record per
   * interval instead of one per firing.
   */
  private async raise(firing: Firing): Promise<void> {
    const key = `${firing.rule.name}\u0000${firing.groupKey}`;
    const now = this.deps.clock.now();
    const last = this.lastRaised.get(key);
    if (last !== undefined && now - last < COALESCE_MS) {
      const held = this.held.get(key);
      this.held.set(
        key,
        held
          ? {
              ...firing,
              figure: held.figure + firing.figure,
              eventIds: [...held.eventIds, ...firing.eventIds].slice(-20),
            }
          : firing,
      );
      this.heldTimer ??= setTimeout(() => this.enqueue(() => this.raiseHeld()), COALESCE_MS).unref();
      return;
    }
    if (this.lastRaised.size > 10_000)
      for (const [k, at] of this.lastRaised) if (now - at >= COALESCE_MS) this.lastRaised.delete(k);
    this.lastRaised.set(key, now);
    await this.execute(firing);
  }

  private async raiseHeld(): Promise<void> {
    clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
    const held = [...this.held.entries()];
    this.held.clear();
    for (const [key, firing] of held) {
      this.lastRaised.set(key, this.deps.clock.now());
      await this.execute(firing);
    }
  }

  private async execute(firing: Firing): Promise<void> {
    const { rule } = firing;
    const input = {
      rule: rule.name,
      groupKey: firing.groupKey.slice(0, 600),
      severity: rule.severity,
      title: rule.title,
      technique: rule.technique,
      at: firing.at,
      figure: firing.figure,
      eventIds: firing.eventIds,
    };
    try {
      await this.deps.commands.execute(this.deps.raise, input, SYSTEM_ACTOR, SYSTEM_ORIGIN);
    } catch (error) {
      this.deps.logger.error({ err: error, rule: rule.name }, 'monitoring: could not raise an alert');
    }
  }

  /** Escalates the alerts nobody acknowledged within `escalateAfterMinutes` (the timer's work; tests call it). */
  async escalateOverdue(): Promise<void> {
    if (this.deps.config.escalateAfterMinutes === 0 || this.stopped) return;
    try {
      const due = await dueForEscalation(this.deps.db, this.deps.config, this.deps.clock.now())
        .select('id')
        .limit(1)
        .execute();
      if (due.length > 0) await this.deps.commands.execute(this.deps.escalate, {}, SYSTEM_ACTOR, SYSTEM_ORIGIN);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'monitoring: escalation failed');
    }
  }
}
