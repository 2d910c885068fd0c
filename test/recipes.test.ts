import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { buildHttpApp } from '../src/http/app.js';
import { loadTls } from '../src/http/tls.js';
import { startIngest } from '../src/modules/ingest/broker.js';
import { simulate } from '../src/simulate/run.js';
import { DOWNLOAD_EVENT } from '../src/modules/recipes/download.js';
import { createTestBastion, ManualClock, type TestBastion } from './support/bastion.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';
import { eventually, until } from './support/eventually.js';
import { seedPlant } from './support/plant.js';
import { adminSession, enrolMfa, totpNow, type Session } from './support/http.js';
import { makeUser, sessionOf, type TestUser } from './support/identity.js';

/** Values no other field of the responses can hold by chance, so a leak is found by searching the text. */
const SECRET_VALUES = [212.75, 198.5, 226.25, 47.125, 41.875, 52.625];
const parameters = (speed = 47.125) => [
  { name: 'mould temperature', unit: '°C', setPoint: 212.75, low: 198.5, high: 226.25, critical: true },
  { name: 'screw speed', unit: 'rpm', setPoint: speed, low: 41.875, high: 52.625, critical: false },
];

const LINE = '/site-1/area-1/line-1';

// Recipes under change control: separation of duties, two approvers for critical changes, seals (issue 6).
describe(`recipes (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;
  let author: Session;
  let engineer: TestUser;
  let authorSecret: string;
  const approvers: { user: TestUser; session: Session }[] = [];
  let operator: Session;
  const clock = new ManualClock();

  const post = (url: string, payload: object, session: Session) =>
    app.inject({ method: 'POST', url, headers: session.headers, payload });
  const approve = (version: number, who: { user: TestUser; session: Session }) =>
    post(
      '/api/recipes/versions/approve',
      {
        input: { recipe: 'RX-CAP', version },
        signature: { meaning: 'approved', username: who.user.username, password: who.user.password },
      },
      who.session,
    );
  const state = async (version: number) =>
    (await app.inject({ url: `/api/recipes/RX-CAP/versions/${version}`, headers: operator.headers })).json<{
      state: string;
    }>().state;

  beforeAll(async () => {
    t = await createTestBastion({}, clock);
    app = await buildHttpApp(t.bastion);
    admin = await adminSession(app, t);
    await post('/api/materials', { code: 'CAP', name: 'bottle cap', kind: 'finished', unit: 'pcs' }, admin);
    await post('/api/orders', { number: 'WO-CAP-1', product: 'CAP', quantity: 10_000 }, admin);
    await seedPlant(t.bastion);
    await post('/api/materials', { code: 'PP', name: 'polypropylene', kind: 'raw', unit: 'kg' }, admin);
    const routing = [{ sequence: 10, name: 'mould', workCell: LINE, standardCycleSeconds: 6, idealCycleSeconds: 5 }];
    const drafted = await post(
      '/api/products/versions',
      {
        product: 'CAP',
        bom: [{ material: 'PP', quantity: 0.002, unit: 'kg' }],
        routing,
        reason: 'caps, first version',
      },
      admin,
    );
    expect(drafted.statusCode, drafted.body).toBe(200);
    await post('/api/products/versions/release', { product: 'CAP', version: 1 }, admin);
    engineer = await makeUser(t.bastion, app, { username: 'pia', roles: [{ role: 'process-engineer' }] });
    author = await sessionOf(app, engineer);
    clock.advance(Date.now() - clock.now()); // the server's clock at real time, where enrolMfa makes its code
    authorSecret = (await enrolMfa(app, author, clock.now())).secret;
    for (const username of ['quinn', 'quincy']) {
      const user = await makeUser(t.bastion, app, { username, roles: [{ role: 'quality' }] });
      approvers.push({ user, session: await sessionOf(app, user) });
    }
    operator = await sessionOf(
      app,
      await makeUser(t.bastion, app, { username: 'otto', roles: [{ role: 'operator' }] }),
    );
    const created = await post(
      '/api/recipes',
      {
        code: 'RX-CAP',
        name: 'Cap moulding',
        product: 'CAP',
        parameters: parameters(),
        steps: [{ name: 'heat', instruction: 'heat the mould' }],
        reason: 'first recipe',
      },
      author,
    );
    expect(created.statusCode, created.body).toBe(200);
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('needs two approvers other than the author for a critical change, then seals and issues it', async () => {
    expect((await post('/api/recipes/versions/submit', { recipe: 'RX-CAP', version: 1 }, author)).json()).toMatchObject(
      {
        approvalsRequired: 2,
      },
    );
    clock.advance(Date.now() + 31_000 - clock.now()); // a later TOTP step than the enrolment's, for a fresh code
    const own = await post(
      '/api/recipes/versions/approve',
      {
        input: { recipe: 'RX-CAP', version: 1 },
        signature: {
          meaning: 'approved',
          username: 'pia',
          password: engineer.password,
          totp: totpNow(authorSecret, clock.now()),
        },
      },
      author,
    );
    expect(own.json()).toMatchObject({ code: 'separation_of_duties' });
    expect((await approve(1, approvers[0]!)).json()).toMatchObject({ state: 'in-review', approvals: 1 });
    expect((await approve(1, approvers[0]!)).json()).toMatchObject({ code: 'duplicate_approver' });
    const early = await post('/api/recipes/versions/activate', { recipe: 'RX-CAP', version: 1 }, author);
    expect(early.json()).toMatchObject({ code: 'illegal_transition' }); // one approval of a critical change: not effective
    expect((await post('/api/recipes/issue', { recipe: 'RX-CAP', order: 'WO-CAP-1' }, admin)).json()).toMatchObject({
      code: 'not_effective',
    });
    expect((await approve(1, approvers[1]!)).json()).toMatchObject({ state: 'approved', approvals: 2 });
    expect((await post('/api/recipes/versions/activate', { recipe: 'RX-CAP', version: 1 }, author)).statusCode).toBe(
      200,
    );
    const issued = await post('/api/recipes/issue', { recipe: 'RX-CAP', order: 'WO-CAP-1' }, admin);
    expect(issued.json()).toMatchObject({ version: 1, seal: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
  it('a non-critical change needs one approval; a superseded or unapproved version cannot be issued', async () => {
    await post(
      '/api/recipes/versions',
      { recipe: 'RX-CAP', parameters: parameters(48.5), steps: [], reason: 'faster screw' },
      author,
    );
    expect(
      (await post('/api/recipes/issue', { recipe: 'RX-CAP', order: 'WO-CAP-1', version: 2 }, admin)).json(),
    ).toMatchObject({
      code: 'illegal_transition', // a draft
    });
    expect((await post('/api/recipes/versions/submit', { recipe: 'RX-CAP', version: 2 }, author)).json()).toMatchObject(
      {
        approvalsRequired: 1,
      },
    );
    expect((await approve(2, approvers[1]!)).json()).toMatchObject({ state: 'approved' });
    expect(
      (await post('/api/recipes/versions/activate', { recipe: 'RX-CAP', version: 2 }, author)).json(),
    ).toMatchObject({
      superseded: 1,
    });
    expect(await state(1)).toBe('superseded');
    const old = await post('/api/recipes/issue', { recipe: 'RX-CAP', order: 'WO-CAP-1', version: 1 }, admin);
    expect(old.json()).toMatchObject({ code: 'illegal_transition' });
    const diff = (await app.inject({ url: '/api/recipes/RX-CAP/diff?from=1&to=2', headers: operator.headers })).json<{
      parameters: { name: string; change: string }[];
    }>();
    expect(diff.parameters.map((p) => [p.name, p.change])).toEqual([
      ['mould temperature', 'same'],
      ['screw speed', 'changed'],
    ]);
  });

  it('never sends a secret value to a masked reader, on any recipe route', async () => {
    const gets = app.routeTable.filter((r) => r.method === 'GET' && r.url.startsWith('/api/recipes'));
    expect(gets.length).toBeGreaterThanOrEqual(4);
    for (const route of gets) {
      const url =
        route.url.replace(':code', 'RX-CAP').replace(':version', '2') +
        (route.url.endsWith('/diff') ? '?from=1&to=2' : '');
      const response = await app.inject({ url, headers: operator.headers });
      expect(response.statusCode, url).toBe(200);
      for (const value of [...SECRET_VALUES, 48.5])
        expect(response.body, `${url} leaks ${value}`).not.toContain(String(value));
    }
    const record = await app.inject({ url: '/api/orders/WO-CAP-1/batch-record', headers: operator.headers });
    expect(record.statusCode).toBe(403); // the batch record shows deviation values and limits: secrets too
    const refused = await post('/api/recipes/read', { recipe: 'RX-CAP', version: 2 }, operator);
    expect(refused.statusCode).toBe(403);
    for (const value of SECRET_VALUES) expect(refused.body).not.toContain(String(value));
  });

  it('gives full values only through an audited, watermarked read', async () => {
    const read = await post('/api/recipes/read', { recipe: 'RX-CAP', version: 2, compareTo: 1 }, approvers[0]!.session);
    const body = read.json<{
      parameters: { setPoint: number }[];
      watermark: { reader: string; fingerprint: string };
    }>();
    expect(body.parameters.map((p) => p.setPoint)).toEqual([212.75, 48.5]);
    expect(body.watermark.reader).toBe(approvers[0]!.user.id);
    const audit = await app.inject({ url: '/api/audit/records?action=recipes.version.read', headers: admin.headers });
    expect(audit.body).toContain(body.watermark.fingerprint);
  });

  it('turns process values outside the validated range into deviations; a critical one holds the output', async () => {
    for (const [url, payload] of [
      ['/api/orders', { number: 'WO-CAP-2', product: 'CAP', quantity: 5000 }],
      ['/api/orders/release', { number: 'WO-CAP-2' }],
      ['/api/orders/dispatch', { number: 'WO-CAP-2', line: LINE }],
      ['/api/orders/operations/start', { number: 'WO-CAP-2', line: LINE, sequence: 10 }],
      [
        '/api/lots/receive',
        { number: 'PP-1', material: 'PP', quantity: 500, supplier: 'Resin Co', supplierLot: 'R-9' },
      ],
      [
        '/api/lots/produce',
        {
          order: 'WO-CAP-2',
          operation: 10,
          output: { number: 'CAP-1', material: 'CAP', quantity: 1000 },
          inputs: [{ lot: 'PP-1', quantity: 2 }],
        },
      ],
      ['/api/recipes/issue', { recipe: 'RX-CAP', order: 'WO-CAP-2' }],
    ] as const)
      expect((await post(url, payload, admin)).body, url).not.toContain('"status"');
    const report = (values: object[]) => post('/api/process-values', { equipment: LINE, values }, operator);
    const ts = clock.now();
    expect(
      (
        await report([
          { parameter: 'screw speed', value: 50, ts },
          { parameter: 'screw speed', value: 60.5, ts },
        ])
      ).json(),
    ).toEqual({
      deviations: 1,
      held: 0,
    });
    expect((await app.inject({ url: '/api/lots/CAP-1', headers: admin.headers })).json()).toMatchObject({
      state: 'available',
    });
    expect((await report([{ parameter: 'mould temperature', value: 231.5, ts }])).json()).toEqual({
      deviations: 1,
      held: 1,
    });
    expect((await app.inject({ url: '/api/lots/CAP-1', headers: admin.headers })).json()).toMatchObject({
      state: 'held',
    });
    const rows = await t.bastion.storage.db
      .selectFrom('recipe_deviations')
      .select(['parameter', 'critical'])
      .orderBy('at')
      .execute();
    expect(rows.map((r) => [r.parameter, r.critical])).toEqual([
      ['screw speed', 0],
      ['mould temperature', 1],
    ]);
    expect(
      (
        await report([{ parameter: 'mould temperature', value: 231.5, ts }]).then(() =>
          post(
            '/api/process-values',
            { equipment: '/site-1/area-1/line-2', values: [{ parameter: 'mould temperature', value: 999, ts }] },
            operator,
          ),
        )
      ).json(),
    ).toEqual({ deviations: 0, held: 0 }); // nothing runs on line 2
  });

  it('downloads set points to equipment and compares what the machine reports back', async () => {
    const sent: Record<string, unknown>[] = [];
    const unsubscribe = t.bastion.events.subscribe(DOWNLOAD_EVENT, (e) => void sent.push(e.payload));
    const download = await post('/api/recipes/download', { order: 'WO-CAP-2', equipment: LINE }, admin);
    expect(download.statusCode, download.body).toBe(200);
    unsubscribe();
    expect(sent).toEqual([
      expect.objectContaining({ equipment: LINE, setPoints: { 'mould temperature': 212.75, 'screw speed': 48.5 } }),
    ]);
    const report = (value: number) =>
      post(
        '/api/set-points',
        {
          equipment: LINE,
          readings: [
            { parameter: 'mould temperature', value, ts: clock.now() },
            { parameter: 'screw speed', value: 48.5, ts: clock.now() },
          ],
        },
        operator,
      );
    expect((await report(212.75)).json()).toEqual({ mismatches: 0 });
    const downloads = () => t.bastion.storage.db.selectFrom('recipe_downloads').select('state').execute();
    expect((await downloads()).map((d) => d.state)).toEqual(['confirmed']);
    expect((await report(218)).json()).toEqual({ mismatches: 1 }); // changed at the machine
    expect((await report(218)).json()).toEqual({ mismatches: 0 }); // the same drift is recorded once
    const kinds = await t.bastion.storage.db
      .selectFrom('recipe_deviations')
      .select(['kind', 'parameter'])
      .where('kind', '!=', 'out-of-range')
      .execute();
    expect(kinds).toEqual([{ kind: 'unauthorised-change', parameter: 'mould temperature' }]);
    expect((await downloads()).map((d) => d.state)).toEqual(['drifted']);
  });

  it('sends set points to a simulated machine over MQTT and catches a change at its panel within one report', async () => {
    const PRESS = `${LINE}/press-1`;
    const run = (name: string, input: object) => t.bastion.pipeline.execute(name, input, CONSOLE_ACTOR, CLI_ORIGIN);
    await run('plant.node.create', { parentPath: LINE, level: 'equipment', code: 'press-1', name: 'Press 1' });
    const device = await run('ingest.device.register', {
      name: 'line-1-edge',
      equipment: LINE,
      groupId: 'plant',
      edgeNodeId: 'line-1-edge',
    });
    const broker = await startIngest(t.bastion.context, t.config, t.logger);
    const period = 150;
    const machines = await simulate({
      url: `mqtts://127.0.0.1:${broker.port}`,
      ca: loadTls(t.config).cert.toString('utf8'),
      username: 'line-1-edge',
      password: (device as { secret: string }).secret,
      group: 'plant',
      edge: 'line-1-edge',
      machines: 1,
      names: ['press-1'],
      setPoints: { 'mould temperature': 200, 'screw speed': 40 },
      periodMs: period,
      speed: 1,
      seed: 9,
    });
    const downloadState = async () =>
      (
        await t.bastion.storage.db
          .selectFrom('recipe_downloads')
          .select('state')
          .where('equipment', '=', PRESS)
          .executeTakeFirst()
      )?.state;
    try {
      expect((await post('/api/recipes/download', { order: 'WO-CAP-2', equipment: PRESS }, admin)).statusCode).toBe(
        200,
      );
      expect(await eventually(downloadState, (state) => state === 'confirmed')).toBe('confirmed'); // written, read back
      expect(machines.machines[0]!.snapshot().setPoints).toEqual({ 'mould temperature': 212.75, 'screw speed': 48.5 });
      const changedAt = Date.now();
      machines.machines[0]!.write('mould temperature', 224); // at the panel, not through Bastion
      const drift = () =>
        t.bastion.storage.db
          .selectFrom('recipe_deviations')
          .select(['kind', 'at'])
          .where('equipment', '=', PRESS)
          .where('kind', '=', 'unauthorised-change')
          .executeTakeFirst();
      const found = await until(drift, 'an unauthorised-change deviation');
      // Caught by the first report after the change: no read-back of that set point was stored between the
      // change and the deviation (a count of reports, not a stopwatch, so machine load cannot fail it).
      const missed = await t.bastion.storage.db
        .selectFrom('ingest_values')
        .select('ts')
        .where('metric', 'like', '%SetPoint/mould temperature')
        .where('ts', '>=', changedAt)
        .where('ts', '<', Number(found.at))
        .execute();
      expect(missed).toEqual([]);
      expect(Number(found.at)).toBeGreaterThanOrEqual(changedAt);
      expect(await downloadState()).toBe('drifted');
    } finally {
      await machines.stop();
      await broker.close();
    }
  });

  it('lists, shows (masked), diffs and verifies from the console', async () => {
    const list = await cli(['recipes', 'list'], t.env);
    expect(list.stdout).toMatch(/RX-CAP +Cap moulding +CAP +2 +2/);
    const show = await cli(['recipes', 'show', 'RX-CAP'], t.env);
    expect(show.stdout).toContain('mould temperature');
    expect(show.stdout).toContain('•••');
    for (const value of SECRET_VALUES) expect(show.stdout).not.toContain(String(value));
    const full = await cli(['recipes', 'show', 'RX-CAP', '--full', '--json'], t.env);
    expect(full.stdout).toContain('212.75'); // the console holds recipes.read-secret; the read is audited
    expect((await cli(['recipes', 'diff', 'RX-CAP', '1', '2'], t.env)).stdout).toMatch(/screw speed +changed/);
    const verify = await cli(['recipes', 'verify'], t.env);
    expect([verify.code, verify.stdout]).toEqual([0, expect.stringContaining('2 sealed version(s), all intact.')]);
  });

  it('blocks a version changed outside Bastion and refuses to issue it, on this database', async () => {
    const versions = await t.bastion.storage.db
      .selectFrom('recipe_versions')
      .select(['id', 'parameters'])
      .where('version', '=', 2)
      .executeTakeFirstOrThrow();
    expect(versions.parameters).not.toContain('212.75'); // sealed at rest: nothing to nudge in place
    // An attacker with database access but no keys replaces the sealed set points with clear ones, the critical
    // one two degrees higher (a value Bastion would still read: rows from before encryption are clear).
    const nudged = JSON.stringify(parameters(48.5).map((p) => (p.critical ? { ...p, setPoint: 214.75 } : p)));
    await t.bastion.storage.db
      .updateTable('recipe_versions')
      .set({ parameters: nudged })
      .where('id', '=', versions.id)
      .execute();
    const issue = await post('/api/recipes/issue', { recipe: 'RX-CAP', order: 'WO-CAP-1' }, admin);
    expect(issue.statusCode).toBe(409);
    expect(issue.json()).toMatchObject({ code: 'seal_broken' });
    expect(await state(2)).toBe('blocked'); // the block survived the refusal
    const verify = await cli(['recipes', 'verify'], t.env);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('BROKEN  RX-CAP version 2 (blocked)');
    const again = await post('/api/recipes/issue', { recipe: 'RX-CAP', order: 'WO-CAP-1' }, admin);
    expect(again.json()).toMatchObject({ code: 'not_effective' });
    const audit = await app.inject({ url: '/api/audit/records?action=recipes.control.issue', headers: admin.headers });
    const outcomes = audit.json<{ records: { record: { outcome: string } }[] }>().records.map((r) => r.record.outcome);
    expect(outcomes).toContain('failed');
  });
});
