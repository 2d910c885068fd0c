import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../events/model.js';
import { DEFAULT_RULES } from './defaults.js';
import { RuleEngine } from './engine.js';
import { insideWindows } from './match.js';
import type { DetectionRule, RuleParams } from './model.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
let next = 0;
const user = (id: string) => ({ type: 'user', id });

function event(at: number, fields: Partial<SecurityEvent> = {}): SecurityEvent {
  next += 1;
  const failed = { source: 'identity', kind: 'login.failed', action: 'identity.login', outcome: 'failed' as const };
  const nothing = { actor: null, device: null, place: null, technique: null, details: {} };
  return {
    ...{ id: `e${next}`, at, severity: 'low', count: 1, address: '10.0.0.1', target: user('u1') },
    ...failed,
    ...nothing,
    ...fields,
  };
}

/** An engine running one shipped rule, its parameters laid over as a security officer's tuning would. */
function engineWith(name: string, tuning: Partial<DetectionRule> & { params?: RuleParams } = {}): RuleEngine {
  const shipped = DEFAULT_RULES.find((r) => r.name === name)!;
  const engine = new RuleEngine();
  engine.setRules([{ ...shipped, ...tuning, params: { ...shipped.params, ...tuning.params } }]);
  return engine;
}

const fired = (engine: RuleEngine, e: SecurityEvent) => engine.observe(e).map((f) => [f.groupKey, f.figure]);
const T0 = Date.UTC(2026, 0, 5, 9); // a Monday, 09:00 UTC

describe('threshold and distinct windows', () => {
  it('fires brute-force at the fifth failure within five minutes and starts counting again after it', () => {
    const engine = engineWith('brute-force');
    for (let i = 0; i < 4; i += 1) expect(fired(engine, event(T0 + i * MINUTE))).toEqual([]);
    expect(fired(engine, event(T0 + 4 * MINUTE))).toEqual([['target=user:u1', 5]]);
    expect(fired(engine, event(T0 + 4 * MINUTE + 1))).toEqual([]);
  });

  it('lets failures slide out of the window: the oldest stop counting while the recent ones still count', () => {
    const engine = engineWith('brute-force');
    for (let i = 0; i < 4; i += 1) engine.observe(event(T0 + i * MINUTE));
    // Window 300 s: at 5:30 the first has slid out, at 6:30 the second; 2:00, 3:00, 5:30, 6:30 still count.
    expect(fired(engine, event(T0 + 5.5 * MINUTE))).toEqual([]);
    expect(fired(engine, event(T0 + 6.5 * MINUTE))).toEqual([]);
    expect(fired(engine, event(T0 + 6.6 * MINUTE))).toEqual([['target=user:u1', 5]]);
  });

  it('sums the counts of events that stand for several happenings', () => {
    const engine = engineWith('brute-force');
    expect(fired(engine, event(T0, { count: 3 }))).toEqual([]);
    expect(fired(engine, event(T0 + 1, { count: 2 }))).toEqual([['target=user:u1', 5]]);
  });

  it('counts distinct accounts for password-spraying, not repeated failures of one account', () => {
    const engine = engineWith('password-spraying');
    for (let i = 0; i < 10; i += 1) expect(fired(engine, event(T0 + i))).toEqual([]);
    for (const id of ['u2', 'u3', 'u4']) expect(fired(engine, event(T0 + 20, { target: user(id) }))).toEqual([]);
    // Another address's failures are another group.
    expect(fired(engine, event(T0 + 30, { target: user('u5'), address: '10.9.9.9' }))).toEqual([]);
    expect(fired(engine, event(T0 + 40, { target: user('u5') }))).toEqual([['address=10.0.0.1', 5]]);
  });

  it('fires privileged-grant for an administrator grant only, not for an operator grant', () => {
    const engine = engineWith('privileged-grant');
    const grant = (role: string) =>
      event(T0, { kind: 'command.succeeded', action: 'identity.grant', outcome: 'success', details: { role } });
    expect(fired(engine, grant('operator'))).toEqual([]);
    expect(fired(engine, grant('administrator'))).toEqual([['target=user:u1', 1]]);
  });

  it('raises nothing for a disabled rule', () => {
    const engine = engineWith('brute-force', { enabled: false });
    for (let i = 0; i < 10; i += 1) expect(fired(engine, event(T0 + i))).toEqual([]);
  });
});

const login = (at: number, address = '10.0.0.1') => event(at, { kind: 'login.succeeded', outcome: 'success', address });

describe('novelty: new source and unusual hour', () => {
  it('judges no address new before the account has three logins on record', () => {
    const engine = engineWith('login-new-source');
    expect(fired(engine, login(T0, '10.0.0.1'))).toEqual([]);
    expect(fired(engine, login(T0 + DAY, '10.0.0.2'))).toEqual([]);
    expect(fired(engine, login(T0 + 2 * DAY, '10.0.0.3'))).toEqual([]);
    expect(fired(engine, login(T0 + 3 * DAY, '10.0.0.1'))).toEqual([]);
    expect(fired(engine, login(T0 + 4 * DAY, '10.0.0.4'))).toEqual([['target=user:u1|address=10.0.0.4', 1]]);
  });

  it('learns history without firing and forgets an address not used within the history days', () => {
    const engine = engineWith('login-new-source', { params: { historyDays: 30 } });
    for (let i = 0; i < 3; i += 1) engine.learn(login(T0 + i * DAY, '10.0.0.1'));
    for (let i = 0; i < 3; i += 1) engine.learn(login(T0 + 40 * DAY + i * DAY, '10.0.0.2'));
    expect(fired(engine, login(T0 + 43 * DAY, '10.0.0.2'))).toEqual([]);
    expect(fired(engine, login(T0 + 44 * DAY, '10.0.0.1'))).toEqual([['target=user:u1|address=10.0.0.1', 1]]);
  });

  it('keeps 08:00 in Berlin usual across the change to summer time (07:00 UTC, then 06:00 UTC)', () => {
    const berlin = { toleranceHours: 0, timeZone: 'Europe/Berlin' };
    const engine = engineWith('login-unusual-hour', { params: berlin });
    const winter = Date.UTC(2026, 2, 23, 7); // Monday 23 March 2026, 08:00 CET
    for (let i = 0; i < 5; i += 1) engine.observe(login(winter + i * DAY));
    // Summer time begins on 29 March: 08:00 CEST is 06:00 UTC.
    expect(fired(engine, login(Date.UTC(2026, 2, 30, 6)))).toEqual([]);
    expect(fired(engine, login(Date.UTC(2026, 2, 31, 7)))).toEqual([['target=user:u1', 1]]);
  });

  it('judges the history in the zone tuned later, not in the one it was learnt under', () => {
    const engine = engineWith('login-unusual-hour', { params: { toleranceHours: 0 } });
    const winter = Date.UTC(2026, 2, 23, 7);
    for (let i = 0; i < 5; i += 1) engine.observe(login(winter + i * DAY));
    const shipped = DEFAULT_RULES.find((r) => r.name === 'login-unusual-hour')!;
    engine.setRules([{ ...shipped, params: { ...shipped.params, toleranceHours: 0, timeZone: 'Europe/Berlin' } }]);
    expect(fired(engine, login(Date.UTC(2026, 2, 30, 6)))).toEqual([]);
  });

  it('counts hours as a circle: 23:00 is within an hour of a usual 00:00', () => {
    const engine = engineWith('login-unusual-hour');
    const midnight = Date.UTC(2026, 0, 5, 0, 10);
    for (let i = 0; i < 5; i += 1) engine.observe(login(midnight + i * DAY));
    expect(fired(engine, login(midnight + 5 * DAY - 60 * MINUTE))).toEqual([]);
    expect(fired(engine, login(midnight + 6 * DAY + 3 * 60 * MINUTE))).toEqual([['target=user:u1', 1]]);
  });
});

describe('time windows', () => {
  const weekdays = [{ days: [1, 2, 3, 4, 5], from: '07:00', to: '17:00' }];

  it('places a window in Berlin time, winter and summer', () => {
    // Monday 05:30 UTC: 06:30 CET in January (outside), 07:30 CEST in June (inside).
    expect(insideWindows(Date.UTC(2026, 0, 5, 5, 30), weekdays, 'Europe/Berlin')).toBe(false);
    expect(insideWindows(Date.UTC(2026, 5, 1, 5, 30), weekdays, 'Europe/Berlin')).toBe(true);
    expect(insideWindows(Date.UTC(2026, 5, 1, 15, 30), weekdays, 'Europe/Berlin')).toBe(false);
  });

  it('uses the local day: Friday 23:30 UTC is Saturday in Tokyo', () => {
    expect(insideWindows(Date.UTC(2026, 0, 9, 23, 30), [{ days: [6], from: '08:00', to: '09:00' }], 'Asia/Tokyo')).toBe(
      true,
    );
  });

  it('runs an overnight window from its day into the next morning', () => {
    const saturdayNight = [{ days: [6], from: '22:00', to: '06:00' }];
    expect(insideWindows(Date.UTC(2026, 0, 10, 23), saturdayNight, 'UTC')).toBe(true); // Saturday 23:00
    expect(insideWindows(Date.UTC(2026, 0, 11, 5, 59), saturdayNight, 'UTC')).toBe(true); // Sunday 05:59
    expect(insideWindows(Date.UTC(2026, 0, 11, 6), saturdayNight, 'UTC')).toBe(false); // Sunday 06:00
    expect(insideWindows(Date.UTC(2026, 0, 10, 3), saturdayNight, 'UTC')).toBe(false); // Saturday 03:00
  });

  it('fires vendor-outside-window for a vendor login on Sunday, not on Monday morning nor for staff', () => {
    const engine = engineWith('vendor-outside-window', { params: { timeZone: 'Europe/Berlin' } });
    const vendor = (at: number) =>
      event(at, { kind: 'login.succeeded', outcome: 'success', details: { vendor: true } });
    expect(fired(engine, vendor(Date.UTC(2026, 0, 5, 7)))).toEqual([]);
    expect(fired(engine, login(Date.UTC(2026, 0, 4, 3)))).toEqual([]);
    expect(fired(engine, vendor(Date.UTC(2026, 0, 4, 3)))).toEqual([['target=user:u1', 1]]);
  });
});
