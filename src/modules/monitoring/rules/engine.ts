import type { SecurityEvent } from '../events/model.js';
import { fieldOf, groupKeyOf, insideWindows, localTime, ruleAccepts } from './match.js';
import type { DetectionRule } from './model.js';

/** A rule that fired: what the alert raised from it says. */
export interface Firing {
  rule: DetectionRule;
  groupKey: string;
  at: number;
  /** Events (their counts summed) or distinct values that crossed the threshold. */
  figure: number;
  /** The ids of the events that made it fire (the last 20). */
  eventIds: string[];
}

interface Seen {
  at: number;
  count: number;
  id: string;
  value: string | null;
}

interface LoginHistory {
  addresses: Map<string, number>;
  /** When each remembered login was; its local hour is worked out in the rule's zone when compared. */
  times: number[];
}

const MAX_SERIES = 50_000;
const EVIDENCE = 20;

/**
 * Runs the rules over security events, in memory: sliding windows per rule and group, and each account's login
 * history for the novelty rules. Holds no I/O: the detector feeds it and raises what it returns.
 */
export class RuleEngine {
  private rules: DetectionRule[] = [];
  private readonly series = new Map<string, Seen[]>();
  private readonly logins = new Map<string, LoginHistory>();

  setRules(rules: readonly DetectionRule[]): void {
    this.rules = rules.filter((rule) => rule.enabled);
  }

  /** Remembers past successful logins (at start, from the stored events) without raising anything. */
  learn(event: SecurityEvent): void {
    if (event.kind === 'login.succeeded') this.remember(event);
  }

  observe(event: SecurityEvent): Firing[] {
    const firings: Firing[] = [];
    for (const rule of this.rules) {
      if (!ruleAccepts(rule, event)) continue;
      const firing = this.evaluate(rule, event);
      if (firing) firings.push(firing);
    }
    this.learn(event);
    return firings;
  }

  private evaluate(rule: DetectionRule, event: SecurityEvent): Firing | undefined {
    switch (rule.kind) {
      case 'threshold':
      case 'distinct':
        return this.windowed(rule, event);
      case 'new-source':
        return this.newSource(rule, event);
      case 'unusual-hour':
        return this.unusualHour(rule, event);
      case 'outside-window':
        return insideWindows(event.at, rule.params.windows ?? [], rule.params.timeZone ?? 'UTC')
          ? undefined
          : this.fire(rule, event, 1, [event.id]);
    }
  }

  private fire(rule: DetectionRule, event: SecurityEvent, figure: number, eventIds: string[]): Firing {
    return { rule, groupKey: groupKeyOf(rule, event), at: event.at, figure, eventIds: eventIds.slice(-EVIDENCE) };
  }

  /** Counts (or distinct values) within the window; once it fires the series starts again. */
  private windowed(rule: DetectionRule, event: SecurityEvent): Firing | undefined {
    const key = `${rule.name}\u0000${groupKeyOf(rule, event)}`;
    const since = event.at - rule.windowSeconds * 1000;
    const seen = (this.series.get(key) ?? []).filter((s) => s.at > since);
    const value = rule.distinct !== undefined ? fieldOf(event, rule.distinct) : null;
    seen.push({ at: event.at, count: event.count, id: event.id, value });
    const figure =
      rule.kind === 'distinct'
        ? new Set(seen.map((s) => s.value).filter((v) => v !== null)).size
        : seen.reduce((sum, s) => sum + s.count, 0);
    if (figure >= rule.threshold) {
      this.series.delete(key);
      return this.fire(
        rule,
        event,
        figure,
        seen.map((s) => s.id),
      );
    }
    if (this.series.size >= MAX_SERIES && !this.series.has(key)) this.prune(event.at);
    this.series.set(key, seen);
    return undefined;
  }

  /** Drops series that nothing recent is in (a flood of distinct keys must not grow memory without end). */
  private prune(now: number): void {
    const longest = Math.max(...this.rules.map((r) => r.windowSeconds)) * 1000;
    for (const [key, seen] of this.series) if ((seen.at(-1)?.at ?? 0) < now - longest) this.series.delete(key);
    if (this.series.size >= MAX_SERIES) this.series.clear();
  }

  private historyOf(rule: DetectionRule, event: SecurityEvent): LoginHistory | undefined {
    const user = event.target?.id;
    if (user === undefined) return undefined;
    const history = this.logins.get(user);
    const since = event.at - (rule.params.historyDays ?? 90) * 86_400_000;
    if (!history || history.times.filter((at) => at > since).length < (rule.params.minHistory ?? 3)) return undefined;
    return history;
  }

  private newSource(rule: DetectionRule, event: SecurityEvent): Firing | undefined {
    const history = this.historyOf(rule, event);
    if (!history || event.address === null) return undefined;
    const since = event.at - (rule.params.historyDays ?? 90) * 86_400_000;
    const lastFromThere = history.addresses.get(event.address);
    return lastFromThere !== undefined && lastFromThere > since ? undefined : this.fire(rule, event, 1, [event.id]);
  }

  private unusualHour(rule: DetectionRule, event: SecurityEvent): Firing | undefined {
    const history = this.historyOf(rule, event);
    if (!history) return undefined;
    const tz = rule.params.timeZone ?? 'UTC';
    const hourOf = (at: number) => Math.floor(localTime(at, tz).minute / 60);
    const hour = hourOf(event.at);
    const tolerance = rule.params.toleranceHours ?? 1;
    const since = event.at - (rule.params.historyDays ?? 30) * 86_400_000;
    const usual = history.times.some((at) => {
      if (at <= since) return false;
      const apart = Math.abs(hourOf(at) - hour);
      return Math.min(apart, 24 - apart) <= tolerance;
    });
    return usual ? undefined : this.fire(rule, event, 1, [event.id]);
  }

  private remember(event: SecurityEvent): void {
    const user = event.target?.id;
    if (user === undefined) return;
    const history = this.logins.get(user) ?? { addresses: new Map<string, number>(), times: [] };
    if (event.address !== null) history.addresses.set(event.address, event.at);
    // Times, not hours: a zone tuned later (or a DST change) must not leave the history in another zone's hours.
    history.times.push(event.at);
    if (history.times.length > 500) history.times.splice(0, history.times.length - 500);
    this.logins.set(user, history);
  }
}
