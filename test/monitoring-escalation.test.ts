import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startMonitoring, type RunningMonitoring } from '../src/app/monitoring.js';
import { ManualClock, type TestBastion } from './support/bastion.js';
import { adminSession, httpTestBastion, type Session } from './support/http.js';

interface Alert {
  id: string;
  rule: string;
  state: string;
  escalatedAt: string | null;
  escalationLevel: number;
}

describe('escalation of alerts nobody acknowledged in time', () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let monitoring: RunningMonitoring;
  let admin: Session;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock();
    ({ t, app } = await httpTestBastion({}, clock));
    monitoring = await startMonitoring(t.bastion, t.logger);
    admin = await adminSession(app, t);
  });
  afterEach(async () => {
    await monitoring.stop();
    await app.close();
    await t.destroy();
  });

  const bruteForce = async () => {
    for (let i = 0; i < 5; i += 1)
      await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'admin', password: 'wrong one 1' },
      });
    await monitoring.settled();
    const alerts = (await app.inject({ url: '/api/security/alerts', headers: admin.headers })).json<{
      items: Alert[];
    }>();
    return alerts.items.find((a) => a.rule === 'brute-force')!;
  };
  /** The stored alert: the clock moves past the administrator's session idle time, so it is read directly. */
  const alert = async (id: string) => {
    const row = await t.bastion.context.db
      .selectFrom('alerts')
      .select(['state', 'escalated_at', 'escalation_level'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const at = row.escalated_at === null ? null : Number(row.escalated_at);
    return { state: row.state, escalatedAt: at, escalationLevel: Number(row.escalation_level) };
  };

  it('escalates a high alert still open 30 minutes (monitoring.escalateAfterMinutes) after it was raised, once, and not before', async () => {
    const raised = await bruteForce();
    clock.advance(29 * 60_000);
    await monitoring.detector.escalateOverdue();
    expect(await alert(raised.id)).toMatchObject({ escalatedAt: null, escalationLevel: 0 });
    clock.advance(2 * 60_000);
    await monitoring.detector.escalateOverdue();
    const escalated = await alert(raised.id);
    expect(escalated.escalationLevel).toBe(1);
    expect(escalated.escalatedAt).toBe(clock.now());
    clock.advance(60 * 60_000);
    await monitoring.detector.escalateOverdue();
    expect((await alert(raised.id)).escalationLevel).toBe(1);
  });

  it('does not escalate an alert acknowledged in time', async () => {
    const raised = await bruteForce();
    const ack = await app.inject({
      method: 'POST',
      url: `/api/security/alerts/${raised.id}/acknowledge`,
      headers: admin.headers,
      payload: {},
    });
    expect(ack.statusCode, ack.body).toBe(200);
    clock.advance(31 * 60_000);
    await monitoring.detector.escalateOverdue();
    expect(await alert(raised.id)).toMatchObject({ state: 'acknowledged', escalatedAt: null, escalationLevel: 0 });
  });
});
