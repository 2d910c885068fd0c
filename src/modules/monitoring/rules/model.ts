import type { Severity } from '../events/model.js';
import type { Technique } from '../events/techniques.js';

/** The fields of a security event a rule may group by or count distinct values of. */
export type EventField = 'actor' | 'address' | 'target' | 'device' | 'place' | 'action' | 'source' | 'kind';

/**
 * Which security events a rule looks at, as data (no code), so a security officer can read and tune it.
 * Every list given must contain the event's value; `*` at the end of an entry matches a prefix.
 */
export interface EventMatch {
  kinds?: string[];
  actions?: string[];
  outcomes?: string[];
  sources?: string[];
  /** A detail (events/model.ts `details`) must hold one of these values. */
  details?: Record<string, (string | number | boolean)[]>;
}

/**
 * A day-and-hour window in the plant's time zone: `days` 1 (Monday) to 7 (Sunday), `from`/`to` as HH:MM. A `to`
 * not after `from` runs overnight into the next day (days name the evenings it starts on).
 */
export interface TimeWindow {
  days: number[];
  from: string;
  to: string;
}

/**
 * How a rule decides:
 * - threshold: `threshold` matching events (summing their counts) within `windowSeconds`, per group;
 * - distinct: `threshold` different values of `distinct` within the window, per group (password spraying);
 * - new-source: a login from an address the account has not used before (after `params.minHistory` logins);
 * - unusual-hour: a login at an hour the account has not logged in at, ± `params.toleranceHours`;
 * - outside-window: a matching event outside every window of `params.windows` (change windows, vendor windows).
 */
export type RuleKind = 'threshold' | 'distinct' | 'new-source' | 'unusual-hour' | 'outside-window';

export interface RuleParams {
  /** Roles whose grant is privileged (privileged-grant). */
  privilegedRoles?: string[];
  /** new-source and unusual-hour: logins an account needs on record before a new one can be unusual. */
  minHistory?: number;
  /** new-source and unusual-hour: how far back the account's logins are remembered (days). */
  historyDays?: number;
  toleranceHours?: number;
  windows?: TimeWindow[];
  /** IANA time zone of the windows and hours (the plant's). */
  timeZone?: string;
}

export interface DetectionRule {
  name: string;
  title: string;
  description: string;
  kind: RuleKind;
  enabled: boolean;
  severity: Severity;
  technique: Technique | null;
  threshold: number;
  windowSeconds: number;
  match: EventMatch;
  /** What one alert is about: events with the same values of these fields count together. */
  groupBy: EventField[];
  distinct?: EventField;
  params: RuleParams;
}

/** What a security officer may change of a rule (monitoring.rules.tune). */
export interface RuleTuning {
  enabled: boolean;
  threshold: number;
  windowSeconds: number;
  severity: Severity;
  params: RuleParams;
}
