import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBastion, type Bastion } from '../src/app/bastion.js';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { RIM_LINE, RIM_MACHINES } from '../src/app/demo/plant.js';
import { DEMO_DEVICE, startDemoSimulation } from '../src/app/demo/simulation.js';
import { startServer } from '../src/app/serve.js';
import { buildHttpApp } from '../src/http/app.js';
import { loadConfig } from '../src/kernel/config/load.js';
import { createLogger } from '../src/kernel/logger.js';
import { trace } from '../src/modules/genealogy/trace.js';
import { builtInRoles } from '../src/modules/identity/roles.js';
import { testEnvironment } from './support/bastion.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';
import { eventually } from './support/eventually.js';
import { login } from './support/http.js';
import { loginAttempt } from './support/identity.js';

interface Account {
  username: string;
  role: string;
  password: string;
}

/** The account lines `init --demo` and `demo reset` print: user name, role, one-time password. */
function accountsIn(stdout: string): Account[] {
  return [...stdout.matchAll(/^ {2}(\S+) +(\S+) +([A-Za-z0-9]{20})$/gm)].map((m) => ({
    username: m[1]!,
    role: m[2]!,
    password: m[3]!,
  }));
}

async function withBastion<T>(env: Record<string, string>, dataDir: string, work: (b: Bastion) => Promise<T>) {
  const bastion = await openBastion(loadConfig({ env, cwd: dataDir }), { logger: createLogger('silent') });
  try {
    return await work(bastion);
  } finally {
    await bastion.close();
  }
}

const count = async (bastion: Bastion, table: 'production_orders' | 'genealogy_lots' | 'users' | 'audit_records') =>
  Number(
    (
      await bastion.storage.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** Everything the database holds, as text: the raw SQLite file and its WAL, or every PostgreSQL table. */
async function databaseText(bastion: Bastion, dataDir: string): Promise<string> {
  if (testDialect === 'sqlite') {
    const file = join(dataDir, 'bastion.db');
    return [file, `${file}-wal`]
      .filter(existsSync)
      .map((f) => readFileSync(f).toString('latin1'))
      .join('\n');
  }
  const tables = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public'`.execute(
    bastion.storage.db,
  );
  const dumps: string[] = [];
  for (const { tablename } of tables.rows)
    dumps.push(JSON.stringify((await sql`select * from ${sql.table(tablename)}`.execute(bastion.storage.db)).rows));
  return dumps.join('\n');
}

describe(`the demo plant (${testDialect})`, () => {
  let env: Record<string, string>;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  let seeded: { code: number; stdout: string; stderr: string };
  let accounts: Account[];

  beforeAll(async () => {
    ({ env, dataDir, cleanup } = await testEnvironment());
    seeded = await cli(['init', '--demo'], env);
    accounts = accountsIn(seeded.stdout);
  });
  afterAll(() => cleanup());

  it('prints one account per built-in role whose one-time password logs in and must be changed', async () => {
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toMatch(/plant: 1 site, 2 lines/);
    expect(accounts.map((a) => a.role).sort()).toEqual(builtInRoles.map((r) => r.name).sort());
    expect(existsSync(join(dataDir, 'demo.json'))).toBe(true);
    await withBastion(env, dataDir, async (bastion) => {
      const app = await buildHttpApp(bastion);
      for (const account of accounts) {
        const session = await login(app, account.username, account.password);
        expect(session.mustChangePassword, account.username).toBe(true);
      }
      const vendor = await bastion.storage.db
        .selectFrom('users')
        .select(['vendor', 'expires_at'])
        .where('username', '=', accounts.find((a) => a.role === 'vendor')!.username)
        .executeTakeFirstOrThrow();
      expect(vendor.vendor).toBe(1);
      expect(vendor.expires_at! - Date.now()).toBeLessThanOrEqual(90 * 86_400_000);
      await app.close();
    });
  });

  it("prints oscar's terminal badge with a PIN shown once, and at a terminal on the rim line that badge signs in", async () => {
    const badge = /^ {2}oscar +(B-1001) +(\d{6})$/m.exec(seeded.stdout);
    expect(badge, seeded.stdout).not.toBeNull();
    await withBastion(env, dataDir, async (bastion) => {
      const app = await buildHttpApp(bastion);
      const { enrolmentCode } = await bastion.pipeline.execute<{ enrolmentCode: string }>(
        'identity.terminal.register',
        { name: 'Rim line HMI', line: RIM_LINE },
        CONSOLE_ACTOR,
        CLI_ORIGIN,
      );
      const enrolled = await app.inject({
        method: 'POST',
        url: '/api/terminals/enrol',
        payload: { code: enrolmentCode },
      });
      const cookie = String(enrolled.headers['set-cookie']).split(';')[0]!;
      const signedIn = await app.inject({
        method: 'POST',
        url: '/api/terminals/sign-in',
        headers: { cookie },
        payload: { badge: badge![1], pin: badge![2] },
      });
      expect(signedIn.statusCode, signedIn.body).toBe(200);
      await app.close();
    });
  });

  it('seeds orders in every state, lots three levels deep, inspections, an NCR with its lot held, an SPC chart', async () => {
    await withBastion(env, dataDir, async (bastion) => {
      const db = bastion.storage.db;
      const states = await db
        .selectFrom('production_orders')
        .select(['state', (eb) => eb.fn.countAll().as('n')])
        .groupBy('state')
        .execute();
      expect(Object.fromEntries(states.map((s) => [s.state, Number(s.n)]))).toEqual({
        created: 1,
        released: 1,
        dispatched: 1,
        running: 2,
        completed: 1,
        closed: 4,
      });
      const lots = await db.selectFrom('genealogy_lots').select(['number', 'supplier', 'state']).execute();
      expect(lots.filter((l) => l.supplier !== null)).toHaveLength(5);
      expect(lots.filter((l) => l.supplier === null)).toHaveLength(5);
      expect(lots.filter((l) => l.state === 'held').map((l) => l.number)).toEqual(['R-1003-01']);
      const upstream = await trace(db, 'W-2002-01', 'backward');
      expect(Math.max(...upstream.lots.map((l) => l.depth))).toBe(3);
      expect(upstream.lots.find((l) => l.depth === 3)?.number).toBe('L-ALU-0001');
      const inspections = await db.selectFrom('quality_inspections').select('result').execute();
      expect(inspections).toHaveLength(30);
      expect(inspections.filter((i) => i.result === 'fail')).toHaveLength(1);
      const ncrs = await db.selectFrom('quality_ncrs').select(['number', 'state']).execute();
      expect(ncrs).toEqual([{ number: 'NCR-000001', state: 'open' }]);

      const app = await buildHttpApp(bastion);
      const quality = accounts.find((a) => a.role === 'quality')!;
      const first = await login(app, quality.username, quality.password);
      const changed = await app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: first.headers,
        payload: { currentPassword: quality.password, newPassword: 'Quality first, 24 rims a shift' },
      });
      expect(changed.statusCode, changed.body).toBe(200);
      const session = await login(app, quality.username, 'Quality first, 24 rims a shift');
      const chart = await app.inject({
        url: '/api/quality/spc?plan=QP-RIM-700C&characteristic=rim-width',
        headers: session.headers,
      });
      expect(chart.statusCode, chart.body).toBe(200);
      expect(chart.json<{ points: unknown[] }>().points).toHaveLength(25);
      await app.close();
    });
  });

  it('holds sealed effective recipes and a change awaiting approval, maintenance plans, an open order and the line’s device; recipes verify passes', async () => {
    expect(seeded.stdout).toMatch(/recipes: 3 effective, sealed .* 1 change waiting for approval/);
    const verify = await cli(['recipes', 'verify', '--json'], env);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const seals = JSON.parse(verify.stdout) as { recipe: string; version: number; state: string; intact: boolean }[];
    expect(seals.map((r) => [r.recipe, r.version, r.state, r.intact]).sort()).toEqual([
      ['RCP-EXTRUDE-RIM', 1, 'effective', true],
      ['RCP-TURN-HUB', 1, 'effective', true],
      ['RCP-WELD-RIM', 1, 'effective', true],
    ]);
    await withBastion(env, dataDir, async (bastion) => {
      const db = bastion.storage.db;
      const pending = await db
        .selectFrom('recipe_versions as v')
        .innerJoin('recipes as r', 'r.id', 'v.recipe_id')
        .select(['r.code', 'v.version', 'v.approvals_required', 'v.seal_digest'])
        .where('v.state', '=', 'in-review')
        .execute();
      expect(pending).toEqual([{ code: 'RCP-EXTRUDE-RIM', version: 2, approvals_required: 2, seal_digest: null }]);
      const approvals = await db.selectFrom('recipe_approvals').select('approver_id').execute();
      const quality = await db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'quinn')
        .executeTakeFirstOrThrow();
      expect(approvals.map((a) => a.approver_id)).toEqual([quality.id, quality.id, quality.id]);
      const plans = await db.selectFrom('maintenance_plans').select(['code', 'trigger']).execute();
      expect(plans.length).toBeGreaterThanOrEqual(3);
      expect(new Set(plans.map((p) => p.trigger))).toEqual(new Set(['calendar', 'counter']));
      const orders = await db.selectFrom('maintenance_orders').select(['kind', 'state']).execute();
      expect(orders).toEqual([{ kind: 'corrective', state: 'open' }]);
      const devices = await db.selectFrom('ingest_devices').select(['name', 'node_path']).execute();
      expect(devices).toEqual([{ name: DEMO_DEVICE.name, node_path: DEMO_DEVICE.equipment }]);
      // The approver signed in a session of her own, ended once the approvals were given.
      const signing = await db
        .selectFrom('sessions')
        .select(['revoked_at'])
        .where('user_id', '=', quality.id)
        .where('signed_at', 'is not', null)
        .execute();
      expect(signing).toHaveLength(1);
      expect(signing[0]!.revoked_at).not.toBeNull();
    });
  });

  it('leaves a log that verifies, and no one-time password anywhere in the database', async () => {
    const verify = await cli(['audit', 'verify'], env);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const text = await withBastion(env, dataDir, (bastion) => databaseText(bastion, dataDir));
    expect(text.length).toBeGreaterThan(10_000);
    for (const account of accounts) expect(text.includes(account.password), account.username).toBe(false);
  });

  it('serving the demo runs the rim line as a simulated Sparkplug edge node whose data arrives', async () => {
    const port = String(20_000 + Math.floor(Math.random() * 30_000)); // as serve.test.ts: HTTP needs a real port
    const config = loadConfig({ env: { ...env, BASTION_PORT: port }, cwd: dataDir });
    const server = await startServer(config, createLogger('silent'));
    const machines = await startDemoSimulation(server, config, createLogger('silent'));
    try {
      expect(machines).toBeDefined();
      const db = server.bastion.storage.db;
      const arrived = async () =>
        (
          await db
            .selectFrom('ingest_values as v')
            .innerJoin('ingest_devices as d', 'd.id', 'v.device_id')
            .select('v.metric')
            .where('d.name', '=', DEMO_DEVICE.name)
            .execute()
        ).map((r) => r.metric);
      const all = (metrics: string[]) => RIM_MACHINES.every((m) => metrics.includes(`${m}/Count/Total`));
      expect(all(await eventually(arrived, all, 20_000))).toBe(true);
      const metrics = new Set(await arrived());
      for (const machine of RIM_MACHINES) expect(metrics.has(`${machine}/State`), machine).toBe(true);
    } finally {
      await machines?.stop();
      await server.stop('test');
    }
  });

  it('demo reset seeds again with new one-time passwords; the old ones no longer log in', async () => {
    const reset = await cli(['demo', 'reset'], env);
    expect(reset.code, reset.stderr).toBe(0);
    const fresh = accountsIn(reset.stdout);
    expect(fresh.map((a) => a.username)).toEqual(accounts.map((a) => a.username));
    for (const [i, account] of fresh.entries()) expect(account.password).not.toBe(accounts[i]!.password);
    await withBastion(env, dataDir, async (bastion) => {
      expect(await count(bastion, 'production_orders')).toBe(10);
      expect(await count(bastion, 'genealogy_lots')).toBe(10);
      const app = await buildHttpApp(bastion);
      for (const account of [accounts[0]!, accounts[1]!])
        expect((await loginAttempt(app, account.username, account.password)).statusCode).toBe(401);
      expect((await login(app, fresh[1]!.username, fresh[1]!.password)).mustChangePassword).toBe(true);
      await app.close();
    });
    const verify = await cli(['audit', 'verify'], env);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});

describe(`plain init and demo reset on a non-demo directory (${testDialect})`, () => {
  let env: Record<string, string>;
  let dataDir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => ({ env, dataDir, cleanup } = await testEnvironment()));
  afterAll(() => cleanup());

  it('seeds nothing but the bootstrap administrator, and refuses to reset it, changing nothing', async () => {
    const init = await cli(['init'], env);
    expect(init.code, init.stderr).toBe(0);
    const counts = (bastion: Bastion) =>
      Promise.all(
        (['users', 'production_orders', 'genealogy_lots', 'audit_records'] as const).map((t) => count(bastion, t)),
      );
    const before = await withBastion(env, dataDir, counts);
    expect(before.slice(0, 3)).toEqual([1, 0, 0]);
    const reset = await cli(['demo', 'reset'], env);
    expect(reset.code).not.toBe(0);
    expect(reset.stderr.trim().split('\n')).toHaveLength(1);
    expect(reset.stderr).toMatch(/not initialised as a demo/);
    expect(existsSync(join(dataDir, 'demo.json'))).toBe(false);
    expect(await withBastion(env, dataDir, counts)).toEqual(before);
    const password = init.stdout.match(/One-time password .*: (\S+)/)![1]!;
    await withBastion(env, dataDir, async (bastion) => {
      const app = await buildHttpApp(bastion);
      expect((await login(app, 'admin', password)).mustChangePassword).toBe(true);
      await app.close();
    });
  });
});
