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
export function localTime(at: number, timeZone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '0';
  return { day: DAY_INDEX[part('weekday')] ?? 1, minute: Number(part('hour')) * 60 + Number(part('minute')) };
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
};

export function insideWindows(at: number, windows: readonly TimeWindow[], timeZone: string): boolean {
  const { day, minute } = localTime(at, timeZone);
  return windows.some((w) => w.days.includes(day) && minute >= minutesOf(w.from) && minute < minutesOf(w.to));
}
