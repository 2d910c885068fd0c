import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startMonitoring, type RunningMonitoring } from '../src/app/monitoring.js';
import { adminSession, httpTestBastion, type Session } from './support/http.js';
import type { TestBastion } from './support/bastion.js';

interface AlertPage {
  items: { id: string; rule: string; state: string; count: number; groupKey: string; severity: string }[];
}

describe('alerts raised by detection', () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let monitoring: RunningMonitoring;
  let admin: Session;

  beforeEach(async () => {
    ({ t, app } = await httpTestBastion());
    monitoring = await startMonitoring(t.bastion, t.logger);
    admin = await adminSession(app, t);
  });
  afterEach(async () => {
    await monitoring.stop();
    await app.close();
    await t.destroy();
  });

  const alerts = async () =>
    (await app.inject({ method: 'GET', url: '/api/security/alerts', headers: admin.headers })).json<AlertPage>().items;

  const wrongLogin = (username: string) =>
    app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'not the password 1' } });

  it('raises one brute-force alert for five wrong passwords and folds the next five into it', async () => {
    for (let i = 0; i < 4; i += 1) expect((await wrongLogin('admin')).statusCode).toBe(401);
    await monitoring.settled();
    expect((await alerts()).filter((a) => a.rule === 'brute-force')).toEqual([]);
    expect((await wrongLogin('admin')).statusCode).toBe(401);
    await monitoring.settled();
    const raised = (await alerts()).filter((a) => a.rule === 'brute-force');
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ state: 'open', severity: 'high', count: 5 });
    for (let i = 0; i < 5; i += 1) await wrongLogin('admin');
    await monitoring.settled();
    const again = (await alerts()).filter((a) => a.rule === 'brute-force');
    expect(again).toHaveLength(1);
    expect(again[0]!.count).toBeGreaterThanOrEqual(10);
  });

  it('acknowledges an alert once, records who did, and refuses a second acknowledgement', async () => {
    for (let i = 0; i < 5; i += 1) await wrongLogin('admin');
    await monitoring.settled();
    const [alert] = (await alerts()).filter((a) => a.rule === 'brute-force');
    const ack = await app.inject({
      method: 'POST',
      url: `/api/security/alerts/${alert!.id}/acknowledge`,
      headers: { ...admin.headers, 'x-csrf-token': admin.csrfToken },
      payload: { note: 'looking into it' },
    });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({ state: 'acknowledged', note: 'looking into it' });
    const twice = await app.inject({
      method: 'POST',
      url: `/api/security/alerts/${alert!.id}/acknowledge`,
      headers: { ...admin.headers, 'x-csrf-token': admin.csrfToken },
      payload: {},
    });
    expect(twice.statusCode).toBe(409);
  });
});
