/** How many of the newest periods keep their newest backup (grandfather-father-son). */
export interface RetentionRules {
  hourly: number;
  daily: number;
  weekly: number;
  monthly: number;
}

export interface Dated {
  id: string;
  createdAt: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The ISO week a UTC time falls in, as a number that grows by one each week (Monday starts it). */
function isoWeek(at: number): number {
  const daysSinceEpoch = Math.floor(at / DAY);
  // 1970-01-01 was a Thursday: shift so that weeks start on Monday.
  return Math.floor((daysSinceEpoch + 3) / 7);
}

function month(at: number): number {
  const d = new Date(at);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

const periods: [keyof RetentionRules, (at: number) => number][] = [
  ['hourly', (at) => Math.floor(at / HOUR)],
  ['daily', (at) => Math.floor(at / DAY)],
  ['weekly', isoWeek],
  ['monthly', month],
];

/**
 * Which backups the rules keep: for each rule, the newest backup of each of the newest N periods that hold
 * one. The newest backup is always kept, whatever the rules say: pruning never leaves a site without one.
 */
export function retained(backups: Dated[], rules: RetentionRules): { keep: Set<string>; remove: string[] } {
  const newestFirst = [...backups].sort((a, b) =>
    b.createdAt !== a.createdAt ? b.createdAt - a.createdAt : b.id.localeCompare(a.id),
  );
  const keep = new Set<string>();
  if (newestFirst[0]) keep.add(newestFirst[0].id);
  for (const [rule, periodOf] of periods) {
    const seen = new Set<number>();
    for (const backup of newestFirst) {
      if (seen.size >= rules[rule]) break;
      const period = periodOf(backup.createdAt);
      if (seen.has(period)) continue;
      seen.add(period);
      keep.add(backup.id);
    }
  }
  return { keep, remove: newestFirst.filter((b) => !keep.has(b.id)).map((b) => b.id) };
}
