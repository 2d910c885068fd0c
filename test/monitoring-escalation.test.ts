import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from './support/bastion.js';
import { alertsOf, watchedBastion, wrongPasswords, type Watched } from './support/security-rules.js';

describe('escalation of alerts nobody acknowledged in time', () => {
  let w: Watched;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock();
    w = await watchedBastion({}, clock);
  });
  afterEach(() => w.close());

  const bruteForce = async () => {
    await wrongPasswords(w);
    return (await alertsOf(w, 'brute-force'))[0]!;
  };
  /** The stored alert: the clock moves past the administrator's session idle time, so it is read directly. */
  const alert = async (id: string) => {
    const row = await w.t.bastion.context.db
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
    await w.monitoring.detector.escalateOverdue();
    expect(await alert(raised.id)).toMatchObject({ escalatedAt: null, escalationLevel: 0 });
    clock.advance(2 * 60_000);
    await w.monitoring.detector.escalateOverdue();
    const escalated = await alert(raised.id);
    expect(escalated.escalationLevel).toBe(1);
    expect(escalated.escalatedAt).toBe(clock.now());
    clock.advance(60 * 60_000);
    await w.monitoring.detector.escalateOverdue();
    expect((await alert(raised.id)).escalationLevel).toBe(1);
  });

  it('does not escalate an alert acknowledged in time', async () => {
    const raised = await bruteForce();
    const ack = await w.app.inject({
      method: 'POST',
      url: `/api/security/alerts/${raised.id}/acknowledge`,
      headers: w.admin.headers,
      payload: {},
    });
    expect(ack.statusCode, ack.body).toBe(200);
    clock.advance(31 * 60_000);
    await w.monitoring.detector.escalateOverdue();
    expect(await alert(raised.id)).toMatchObject({ state: 'acknowledged', escalatedAt: null, escalationLevel: 0 });
  });
});
