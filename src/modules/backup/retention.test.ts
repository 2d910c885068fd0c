import { describe, expect, it } from 'vitest';
import { retained, type Dated } from './retention.js';

const HOUR = 3_600_000;
const start = Date.UTC(2026, 0, 5, 0, 0, 0); // a Monday

/** One backup every hour for `hours` hours from `start`, named by its hour index. */
function hourly(hours: number): Dated[] {
  return Array.from({ length: hours }, (_, i) => ({ id: `b${i}`, createdAt: start + i * HOUR }));
}

describe('backup retention (grandfather-father-son)', () => {
  it('keeps the newest backup of each of the last N hours and removes the older hourly ones', () => {
    const { keep, remove } = retained(hourly(10), { hourly: 3, daily: 0, weekly: 0, monthly: 0 });
    expect([...keep].sort()).toEqual(['b7', 'b8', 'b9']);
    expect(remove).toEqual(['b6', 'b5', 'b4', 'b3', 'b2', 'b1', 'b0']);
  });

  it('keeps the last backup of each of the last 3 days when daily is 3, beside 2 hourly ones', () => {
    const { keep } = retained(hourly(24 * 5), { hourly: 2, daily: 3, weekly: 0, monthly: 0 });
    // Day 4 ends at hour 119 (kept as hourly and daily), days 3 and 2 end at hours 95 and 71.
    expect([...keep].sort()).toEqual(['b118', 'b119', 'b71', 'b95'].sort());
  });

  it('keeps one backup per ISO week and per month', () => {
    const backups = Array.from({ length: 70 }, (_, day) => ({ id: `d${day}`, createdAt: start + day * 24 * HOUR }));
    const { keep } = retained(backups, { hourly: 0, daily: 0, weekly: 2, monthly: 3 });
    // Weeks run Monday to Sunday: the newest two weeks end on days 69 (a Sunday) and 62.
    // Months: March (day 69, 2026-03-15), February (day 54, 2026-02-28), January (day 26, 2026-01-31).
    expect([...keep].sort()).toEqual(['d26', 'd54', 'd62', 'd69'].sort());
  });

  it('always keeps the newest backup even when every rule is zero', () => {
    const { keep, remove } = retained(hourly(3), { hourly: 0, daily: 0, weekly: 0, monthly: 0 });
    expect([...keep]).toEqual(['b2']);
    expect(remove).toHaveLength(2);
  });
});
