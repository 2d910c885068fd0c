import type { SecurityEvent } from '../events/model.js';
import type { DetectionRule, EventField, EventMatch, TimeWindow } from './model.js';

const listed = (list: string[] | undefined, value: string | null): boolean =>
  list === undefined ||
  (value !== null &&
    list.some((entry) => (entry.endsWith('*') ? value.startsWith(entry.slice(0, -1)) : entry === value)));

export function matches(match: EventMatch, event: SecurityEvent): boolean {
  if (!listed(match.kinds, event.kind)) return false;
  if (!listed(match.actions, event.action)) return false;
  if (!listed(match.outcomes, event.outcome)) return false;
  if (!listed(match.sources, event.source)) return false;
  for (const [key, values] of Object.entries(match.details ?? {}))
    if (!values.includes(event.details[key] as string | number | boolean)) return false;
  return true;
}

/** A rule's own narrowing: a grant counts for privileged-grant only if the role is privileged. */
export function ruleAccepts(rule: DetectionRule, event: SecurityEvent): boolean {
  if (!matches(rule.match, event)) return false;
  const roles = rule.params.privilegedRoles;
  const role = event.details.role;
  if (roles !== undefined && typeof role === 'string' && !roles.includes(role)) return false;
  return true;
}

export function fieldOf(event: SecurityEvent, field: EventField): string | null {
  switch (field) {
    case 'actor':
      return event.actor ? `${event.actor.kind}:${event.actor.id}` : null;
    case 'target':
      return event.target ? `${event.target.type}:${event.target.id}` : null;
    case 'address':
      return event.address;
    case 'device':
      return event.device;
    case 'place':
      return event.place;
    case 'action':
      return event.action;
    case 'source':
      return event.source;
    case 'kind':
      return event.kind;
  }
}

/** The alert's group: `target=user:…|address=10.0.0.7`. */
export const groupKeyOf = (rule: DetectionRule, event: SecurityEvent): string =>
  rule.groupBy.map((field) => `${field}=${fieldOf(event, field) ?? '-'}`).join('|');

const DAY_INDEX: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Day of week (1 = Monday) and minute of day of `at` in `timeZone`. */
/** One formatter per zone: making an Intl.DateTimeFormat costs far more than formatting with one. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    const options = { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;
    formatter = new Intl.DateTimeFormat('en-GB', options);
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function localTime(at: number, timeZone: string): { day: number; minute: number } {
  const parts = formatterOf(timeZone).formatToParts(new Date(at));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '0';
  return { day: DAY_INDEX[part('weekday')] ?? 1, minute: Number(part('hour')) * 60 + Number(part('minute')) };
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
};

/**
 * Whether `at` falls in one of the windows. A window whose `to` is not after its `from` runs overnight: it
 * starts on each of its days and ends the next morning (a Saturday 22:00–06:00 maintenance slot for a vendor).
 */
export function insideWindows(at: number, windows: readonly TimeWindow[], timeZone: string): boolean {
  const { day, minute } = localTime(at, timeZone);
  const dayBefore = day === 1 ? 7 : day - 1;
  return windows.some((w) => {
    const from = minutesOf(w.from);
    const to = minutesOf(w.to);
    if (from < to) return w.days.includes(day) && minute >= from && minute < to;
    return (w.days.includes(day) && minute >= from) || (w.days.includes(dayBefore) && minute < to);
  });
}
