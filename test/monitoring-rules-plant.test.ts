import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMonitoring, type RunningMonitoring } from '../src/app/monitoring.js';
import { testDialect } from './support/database.js';
import { eventually } from './support/eventually.js';
import { adminSession, httpTestBastion, type Session } from './support/http.js';
import { enrolledSession, makeUser, sessionOf } from './support/identity.js';
import type { TestBastion } from './support/bastion.js';
import { seedPlant } from './support/plant.js';

interface Alert {
  rule: string;
  groupKey: string;
  count: number;
  severity: string;
}

const LINE = '/site-1/area-1/line-1';
const ALWAYS = [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }];
const parameters = (speed: number) => [
  { name: 'mould temperature', unit: '°C', setPoint: 212.5, low: 198, high: 226, critical: false },
  { name: 'screw speed', unit: 'rpm', setPoint: speed, low: 41, high: 52, critical: false },
];

// The plant rules of issue 16 fed by recipes over HTTP: each raised by its real trigger, quiet on normal work.
describe(`detection rules on recipes and machines (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let monitoring: RunningMonitoring;
  let admin: Session;
  let author: Session;
  let operator: Session;
  let approver: { username: string; password: string; session: Session };
  let reader: Session;

  const post = async (url: string, payload: object, session: Session, status = 200) => {
    const response = await app.inject({ method: 'POST', url, headers: session.headers, payload });
    expect(response.statusCode, `${url}: ${response.body}`).toBe(status);
    return response;
  };
  const alerts = async (rule: string) => {
    await monitoring.settled();
    const page = await app.inject({ url: '/api/security/alerts', headers: admin.headers });
    return page.json<{ items: Alert[] }>().items.filter((a) => a.rule === rule);
  };
  const raised = (rule: string) =>
    eventually(
      () => alerts(rule),
      (found) => found.length > 0,
    );
  const tuneWindows = async (windows: object[]) => {
    await post('/api/security/rules/change-outside-window', { params: { windows, timeZone: 'UTC' } }, admin);
    await monitoring.detector.reloadRules(); // the tuned windows in force before the next change is read
  };

  /** Drafts, submits, approves (one approver: no critical parameter) and activates a version of RX-1. */
  async function effectiveVersion(version: number, speed: number) {
    const draft = { recipe: 'RX-1', parameters: parameters(speed), steps: [], reason: `speed ${speed}` };
    if (version > 1) await post('/api/recipes/versions', draft, author);
    await post('/api/recipes/versions/submit', { recipe: 'RX-1', version }, author);
    const signature = { meaning: 'approved', username: approver.username, password: approver.password };
    await post('/api/recipes/versions/approve', { input: { recipe: 'RX-1', version }, signature }, approver.session);
    await post('/api/recipes/versions/activate', { recipe: 'RX-1', version }, author);
  }

  beforeAll(async () => {
    ({ t, app } = await httpTestBastion());
    monitoring = await startMonitoring(t.bastion, t.logger);
    admin = await adminSession(app, t);
    await tuneWindows(ALWAYS); // the set-up below is recipe work too: inside a window, whatever the hour
    await seedPlant(t.bastion);
    await post('/api/materials', { code: 'CAP', name: 'bottle cap', kind: 'finished', unit: 'pcs' }, admin);
    await post('/api/materials', { code: 'PP', name: 'polypropylene', kind: 'raw', unit: 'kg' }, admin);
    const routing = [{ sequence: 10, name: 'mould', workCell: LINE, standardCycleSeconds: 6, idealCycleSeconds: 5 }];
    const bom = [{ material: 'PP', quantity: 0.002, unit: 'kg' }];
    await post('/api/products/versions', { product: 'CAP', bom, routing, reason: 'caps, first version' }, admin);
    await post('/api/products/versions/release', { product: 'CAP', version: 1 }, admin);
    author = await enrolledSession(
      app,
      await makeUser(t.bastion, app, { username: 'pia', roles: [{ role: 'process-engineer' }] }),
    );
    const quinn = await makeUser(t.bastion, app, { username: 'quinn', roles: [{ role: 'quality' }] });
    approver = { ...quinn, session: await sessionOf(app, quinn) };
    const quincy = await makeUser(t.bastion, app, { username: 'quincy', roles: [{ role: 'quality' }] });
    reader = await sessionOf(app, quincy);
    operator = await sessionOf(
      app,
      await makeUser(t.bastion, app, { username: 'otto', roles: [{ role: 'operator' }] }),
    );
    const recipe = {
      code: 'RX-1',
      name: 'Caps',
      product: 'CAP',
      parameters: parameters(47),
      steps: [],
      reason: 'first recipe',
    };
    await post('/api/recipes', recipe, author);
    await effectiveVersion(1, 47);
    for (const [url, payload] of [
      ['/api/orders', { number: 'WO-1', product: 'CAP', quantity: 5000 }],
      ['/api/orders/release', { number: 'WO-1' }],
      ['/api/orders/dispatch', { number: 'WO-1', line: LINE }],
      ['/api/orders/operations/start', { number: 'WO-1', line: LINE, sequence: 10 }],
      ['/api/recipes/issue', { recipe: 'RX-1', order: 'WO-1' }],
      ['/api/recipes/download', { order: 'WO-1', equipment: LINE }],
    ] as const)
      await post(url, payload, admin);
  }, 60_000);
  afterAll(async () => {
    await monitoring.stop();
    await app.close();
    await t.destroy();
  });

  const readValues = (session: Session) => post('/api/recipes/read', { recipe: 'RX-1', version: 1 }, session);
  const setPoints = (value: number) =>
    post(
      '/api/set-points',
      { equipment: LINE, readings: [{ parameter: 'mould temperature', value, ts: Date.now() }] },
      operator,
    );
  const processValue = (value: number) =>
    post(
      '/api/process-values',
      { equipment: LINE, values: [{ parameter: 'screw speed', value, ts: Date.now() }] },
      operator,
    );

  it('mass-export: three reads of full recipe values raise nothing', async () => {
    for (let i = 0; i < 3; i += 1) await readValues(reader);
    expect(await alerts('mass-export')).toEqual([]);
  });

  it('mass-export: twenty reads of full recipe values by one account raise one high alert for that account', async () => {
    for (let i = 0; i < 20; i += 1) await readValues(approver.session);
    const [alert, ...more] = await raised('mass-export');
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ severity: 'high', count: 20 });
    expect(alert!.groupKey).toMatch(/^actor=user:/);
  });

  it('set-point-changed-at-machine: a machine reading back the downloaded set point raises nothing', async () => {
    expect((await setPoints(212.5)).json()).toEqual({ mismatches: 0 });
    expect(await alerts('set-point-changed-at-machine')).toEqual([]);
  });

  it('set-point-changed-at-machine: a set point changed at the panel raises a high alert naming the equipment', async () => {
    expect((await setPoints(219)).json()).toEqual({ mismatches: 1 });
    const [alert] = await raised('set-point-changed-at-machine');
    expect(alert).toMatchObject({ severity: 'high', groupKey: `place=${LINE}` });
  });

  it('telemetry-out-of-range: a process value inside its validated range raises nothing', async () => {
    expect((await processValue(48)).json()).toEqual({ deviations: 0, held: 0 });
    expect(await alerts('telemetry-out-of-range')).toEqual([]);
  });

  it('telemetry-out-of-range: a process value outside its validated range raises an alert for the equipment', async () => {
    expect((await processValue(60.5)).json()).toEqual({ deviations: 1, held: 0 });
    const [alert] = await raised('telemetry-out-of-range');
    expect(alert).toMatchObject({ severity: 'medium', groupKey: `place=${LINE}` });
  });

  it('recipe-seal-broken: issuing an intact sealed version raises nothing', async () => {
    await post('/api/orders', { number: 'WO-2', product: 'CAP', quantity: 100 }, admin);
    await post('/api/recipes/issue', { recipe: 'RX-1', order: 'WO-2' }, admin);
    expect(await alerts('recipe-seal-broken')).toEqual([]);
  });

  it('recipe-seal-broken: a version whose set points were changed in the database raises a critical alert', async () => {
    await effectiveVersion(2, 48);
    // An attacker with database access but no keys swaps the sealed parameters for clear ones of their own.
    await t.bastion.storage.db
      .updateTable('recipe_versions')
      .set({ parameters: JSON.stringify(parameters(51)) })
      .where('version', '=', 2)
      .execute();
    await post('/api/recipes/issue', { recipe: 'RX-1', order: 'WO-2' }, admin, 409);
    const [alert] = await raised('recipe-seal-broken');
    expect(alert).toMatchObject({ severity: 'critical' });
  });

  it('change-outside-window: a recipe created inside a change window raises nothing', async () => {
    const recipe = {
      code: 'RX-2',
      name: 'Lids',
      product: 'CAP',
      parameters: parameters(47),
      steps: [],
      reason: 'first recipe',
    };
    await post('/api/recipes', recipe, author);
    expect(await alerts('change-outside-window')).toEqual([]);
  });

  it('change-outside-window: a recipe created when no change window is open raises a medium alert', async () => {
    const today = ((new Date().getUTCDay() + 6) % 7) + 1; // 1 = Monday, as the windows count
    await tuneWindows([{ days: [(today % 7) + 1], from: '00:00', to: '24:00' }]); // tomorrow only
    const recipe = {
      code: 'RX-3',
      name: 'Caps B',
      product: 'CAP',
      parameters: parameters(47),
      steps: [],
      reason: 'first recipe',
    };
    await post('/api/recipes', recipe, author);
    const [alert] = await raised('change-outside-window');
    expect(alert).toMatchObject({ severity: 'medium' });
  });
});
