import type { BastionConfig } from '../../kernel/config/schema.js';
import type { JobKind } from './jobs.js';

/** What the history says, as the scheduler needs it (epoch milliseconds, null: never). */
export interface History {
  lastBackupRequested: number | null;
  lastBackupSucceeded: number | null;
  lastPrune: number | null;
  lastDrillRequested: number | null;
  lastDrillPassed: number | null;
  firstBackup: number | null;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The next job the schedule wants, if any: a backup when the last one is `everyMinutes` old, then a prune
 * after a backup that succeeded, then a drill when the last is `drill.everyHours` old. One at a time: the
 * job lock refuses a second anyway, so the scheduler asks again at its next tick.
 */
export function dueJob(history: History, config: BastionConfig, now: number): JobKind | undefined {
  const { everyMinutes, drill } = config.backup;
  if (everyMinutes > 0 && (history.lastBackupRequested ?? 0) <= now - everyMinutes * MINUTE) return 'backup';
  if (history.lastBackupSucceeded !== null && (history.lastPrune ?? 0) < history.lastBackupSucceeded) return 'prune';
  if (
    drill.everyHours > 0 &&
    history.lastBackupSucceeded !== null &&
    (history.lastDrillRequested ?? 0) <= now - drill.everyHours * HOUR
  )
    return 'drill';
  return undefined;
}

/**
 * True when no drill has passed within `drill.windowHours`, counted from the last passed drill or, before any,
 * from the first backup: a restore that nobody proved works is a risk the security officer must hear about.
 */
export function drillOverdue(history: History, config: BastionConfig, now: number): boolean {
  const since = history.lastDrillPassed ?? history.firstBackup;
  return since !== null && now - since > config.backup.drill.windowHours * HOUR;
}
