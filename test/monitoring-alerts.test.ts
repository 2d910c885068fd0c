import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertsOf, watchedBastion, wrongPasswords, type Watched } from './support/security-rules.js';

describe('alerts raised by detection', () => {
  let w: Watched;

  beforeEach(async () => {
    w = await watchedBastion();
  });
  afterEach(() => w.close());

  it('raises one brute-force alert for five wrong passwords and folds the next five into it', async () => {
    await wrongPasswords(w, 'admin', 4);
    expect(await alertsOf(w, 'brute-force')).toEqual([]);
    await wrongPasswords(w, 'admin', 1);
    const raised = await alertsOf(w, 'brute-force');
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ state: 'open', severity: 'high', count: 5 });
    await wrongPasswords(w);
    const again = await alertsOf(w, 'brute-force');
    expect(again).toHaveLength(1);
    expect(again[0]!.count).toBeGreaterThanOrEqual(10);
  });

  it('acknowledges an alert once, records who did, and refuses a second acknowledgement', async () => {
    await wrongPasswords(w);
    const [alert] = await alertsOf(w, 'brute-force');
    const acknowledge = (payload: object) =>
      w.app.inject({
        method: 'POST',
        url: `/api/security/alerts/${alert!.id}/acknowledge`,
        headers: w.admin.headers,
        payload,
      });
    const ack = await acknowledge({ note: 'looking into it' });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({ state: 'acknowledged', note: 'looking into it' });
    expect(ack.json<{ acknowledgedBy: string }>().acknowledgedBy).toBe(await adminId(w));
    expect((await acknowledge({})).statusCode).toBe(409);
  });
});

async function adminId(w: Watched): Promise<string> {
  const me = await w.app.inject({ url: '/api/auth/me', headers: w.admin.headers });
  return me.json<{ id: string }>().id;
}
