import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { configSchema, type BastionConfig } from '../../kernel/config/schema.js';
import { drillOverdue, dueJob, type History } from './schedule.js';

const HOUR = 3_600_000;
const now = Date.UTC(2026, 11, 1, 12);

function configWith(backup: Record<string, unknown>): BastionConfig {
  return Value.Default(configSchema, { backup }) as BastionConfig;
}

const never: History = {
  lastBackupRequested: null,
  lastBackupSucceeded: null,
  lastPrune: null,
  lastDrillRequested: null,
  lastDrillPassed: null,
  firstBackup: null,
};

describe('the backup schedule', () => {
  const config = configWith({ everyMinutes: 60, drill: { everyHours: 24, windowHours: 48 } });

  it('wants a backup when none was ever taken, and again once the last one is everyMinutes old', () => {
    expect(dueJob(never, config, now)).toBe('backup');
    const recent = {
      ...never,
      lastBackupRequested: now - 59 * 60_000,
      lastBackupSucceeded: now - 59 * 60_000,
      lastPrune: now,
    };
    expect(dueJob(recent, config, now)).toBe('drill');
    expect(dueJob({ ...recent, lastBackupRequested: now - 60 * 60_000 }, config, now)).toBe('backup');
  });

  it('prunes after each backup that succeeded, before drilling', () => {
    const backedUp = {
      ...never,
      lastBackupRequested: now - HOUR / 2,
      lastBackupSucceeded: now - HOUR / 2,
      lastPrune: now - HOUR,
    };
    expect(dueJob(backedUp, config, now)).toBe('prune');
  });

  it('drills every drill.everyHours once a backup exists, and never with everyHours 0 or without a backup', () => {
    const pruned = {
      ...never,
      lastBackupRequested: now - 10 * 60_000,
      lastBackupSucceeded: now - 10 * 60_000,
      lastPrune: now,
    };
    expect(dueJob({ ...pruned, lastDrillRequested: now - 23 * HOUR }, config, now)).toBeUndefined();
    expect(dueJob({ ...pruned, lastDrillRequested: now - 24 * HOUR }, config, now)).toBe('drill');
    const noDrills = configWith({ everyMinutes: 60, drill: { everyHours: 0 } });
    expect(dueJob(pruned, noDrills, now)).toBeUndefined();
    expect(dueJob({ ...never, lastBackupRequested: now }, config, now)).toBeUndefined();
  });

  it('takes no scheduled backup with everyMinutes 0 (on demand only)', () => {
    expect(dueJob(never, configWith({ everyMinutes: 0 }), now)).toBeUndefined();
  });
});

describe('an overdue restore drill', () => {
  const config = configWith({ drill: { windowHours: 48 } });

  it('is overdue when no drill passed within windowHours of the last passed drill', () => {
    expect(
      drillOverdue({ ...never, firstBackup: now - 100 * HOUR, lastDrillPassed: now - 47 * HOUR }, config, now),
    ).toBe(false);
    expect(
      drillOverdue({ ...never, firstBackup: now - 100 * HOUR, lastDrillPassed: now - 49 * HOUR }, config, now),
    ).toBe(true);
  });

  it('counts from the first backup before any drill passed, and is never overdue without a backup', () => {
    expect(drillOverdue({ ...never, firstBackup: now - 47 * HOUR }, config, now)).toBe(false);
    expect(drillOverdue({ ...never, firstBackup: now - 49 * HOUR }, config, now)).toBe(true);
    expect(drillOverdue(never, config, now)).toBe(false);
  });
});
