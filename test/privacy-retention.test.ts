import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR, SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../src/kernel/actors.js';
import { loadConfig } from '../src/kernel/config/load.js';
import { defineCommand } from '../src/kernel/pipeline/types.js';
import { column, type DataCatalog } from '../src/kernel/privacy/catalog.js';
import {
  batchRunner,
  disposalPass,
  disposalPreview,
  RetentionService,
} from '../src/modules/privacy/retention/index.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';

const DAY = 86_400_000;

/** What the seeded rows leave past their retention, per table and rule (the defaults: 730, 365, 183, 90 days). */
const EXPIRED = {
  'ingest_points/telemetry': 25,
  'ingest_security_events/security-events': 1,
  'opcua_samples/telemetry': 1,
  'security_events/security-events': 1,
  'sessions/sessions': 0,
  'users/former-staff': 1,
};
const byTable = (lines: { table: string; rule: string; deleted: number }[]) =>
  Object.fromEntries(lines.map((l) => [`${l.table}/${l.rule}`, l.deleted]));

/** Test-only: inserts rows as they would be after years of operation (one audited command). */
const seed = defineCommand({
  name: 'test.seed',
  summary: 'test seed',
  input: Type.Object({ table: Type.String(), rows: Type.Array(Type.Record(Type.String(), Type.Unknown())) }),
  output: Type.Object({}),
  errors: [],
  permission: 'test.write',
  internal: true,
  async handler(ctx, input) {
    await ctx.tx.insertInto(input.table).values(input.rows).execute();
    return {};
  },
});

/** Test-only: dates an account's leaving (the create command refuses an expiry in the past). */
const dateAccount = defineCommand({
  name: 'test.date-account',
  summary: 'test: date an account',
  input: Type.Object({
    id: Type.String(),
    expiresAt: Type.Union([Type.Number(), Type.Null()]),
    disabled: Type.Boolean(),
  }),
  output: Type.Object({}),
  errors: [],
  permission: 'test.write',
  internal: true,
  async handler(ctx, input) {
    await ctx.tx
      .updateTable('users')
      .set({ expires_at: input.expiresAt, disabled: input.disabled ? 1 : 0 })
      .where('id', '=', input.id)
      .execute();
    return {};
  },
});

const cols = { at: column('internal') };
/** A catalogue with append-only tables given retention by mistake: disposal must still never touch them. */
const mistaken: DataCatalog = {
  ingest_points: { description: 'values', retention: { rule: 'telemetry', timeColumn: 'ts' }, columns: cols },
  opcua_samples: { description: 'samples', retention: { rule: 'telemetry', timeColumn: 'ts' }, columns: cols },
  ingest_security_events: {
    description: 'security events',
    retention: { rule: 'security-events', timeColumn: 'at' },
    columns: cols,
  },
  users: {
    description: 'accounts',
    subject: 'id',
    retention: { rule: 'former-staff', timeColumn: 'expires_at' },
    columns: cols,
  },
  // Append-only: never disposed of, even with a retention entry (a catalogue mistake must not break the chain).
  audit_records: {
    description: 'audit',
    appendOnly: true,
    retention: { rule: 'telemetry', timeColumn: 'seq' },
    columns: cols,
  },
  recipe_batch_records: { description: 'batch records', appendOnly: true, columns: cols },
};

const value = (n: number, ts: number) => ({
  batch: n,
  series: 1,
  ts,
  value_num: n,
  value_text: null,
});
const sample = (n: number, ts: number) => ({
  id: `s${n}`,
  connection: 'c',
  equipment_path: '/site',
  tag: 't',
  ts,
  kind: 'number',
  value_number: n,
  value_text: null,
});
const securityEvent = (n: number, at: number) => ({ id: `e${n}`, at, kind: 'auth-failure', count: 1 });
/** A monitoring security event (monitoring/schema.ts), as the recorder writes one. */
const monitoredEvent = (n: number, at: number) => ({
  id: `m${n}`,
  at,
  recorded_at: at,
  recorded_by: 'test',
  source: 'identity',
  kind: 'login.failed',
  outcome: 'failed',
  severity: 'low',
  count: 1,
});

describe(`retention and disposal by category (${testDialect})`, () => {
  let t: TestBastion;
  let now: number;
  const ids: Record<string, string> = {};

  async function count(table: string): Promise<number> {
    const row = (await t.bastion.context.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()) as { n: number | string };
    return Number(row.n);
  }

  beforeEach(async () => {
    t = await createTestBastion();
    now = t.bastion.clock.now();
    t.bastion.permissions.register({ name: 'test.write', description: 'test only' });
    t.bastion.pipeline.register(seed, dateAccount);
    const run = (table: string, rows: Record<string, unknown>[]) =>
      t.bastion.pipeline.execute('test.seed', { table, rows }, SYSTEM_ACTOR, SYSTEM_ORIGIN);
    // Telemetry is kept 730 days, security events 365, former staff 183 after leaving (the defaults).
    await run('ingest_points', [
      ...Array.from({ length: 25 }, (_, n) => value(n, now - (731 + n) * DAY)),
      ...Array.from({ length: 5 }, (_, n) => value(100 + n, now - 700 * DAY)),
    ]);
    await run('opcua_samples', [sample(1, now - 800 * DAY), sample(2, now - DAY)]);
    await run('ingest_security_events', [securityEvent(1, now - 400 * DAY), securityEvent(2, now - 300 * DAY)]);
    await run('security_events', [monitoredEvent(1, now - 400 * DAY), monitoredEvent(2, now - 300 * DAY)]);
    // Accounts made as `bastion users add` makes them (names sealed under each person's key), then dated.
    for (const [username, leftAt] of [
      ['left.long.ago', now - 200 * DAY],
      ['left.recently', now - 100 * DAY],
      ['suspended', null],
    ] as const) {
      const { user } = await t.bastion.pipeline.execute<{ user: { id: string } }>(
        'identity.user.create',
        { username, displayName: `Person ${username}` },
        CONSOLE_ACTOR,
        CLI_ORIGIN,
      );
      ids[username] = user.id;
      await t.bastion.pipeline.execute(
        'test.date-account',
        { id: user.id, expiresAt: leftAt, disabled: leftAt === null },
        SYSTEM_ACTOR,
        SYSTEM_ORIGIN,
      );
    }
  });
  afterEach(() => t.destroy());

  it('a dry run counts what has expired per table and changes nothing', async () => {
    const preview = await disposalPreview(
      t.bastion.context.db,
      t.bastion.context.catalog,
      t.config.privacy.retention,
      now,
    );
    expect(byTable(preview)).toEqual(EXPIRED);
    expect(await count('ingest_points')).toBe(30);
  });

  it('a pass in batches deletes old rows, keeps young ones, erases only the long-gone leaver, reports the counts', async () => {
    const auditBefore = await count('audit_records');
    const scheduled = t.bastion.pipeline.get('privacy.dispose.scheduled');
    const run = batchRunner(
      t.bastion.context.commands.execute.bind(t.bastion.context.commands),
      scheduled,
      SYSTEM_ACTOR,
      SYSTEM_ORIGIN,
    );
    const report = await disposalPass(run, { batchSize: 10 });
    expect(report.complete).toBe(true);
    expect(report.batches).toBe(3); // 10 + 10 + 5 expired values: the third batch reports no more
    expect(byTable(report.tables)).toEqual(EXPIRED);
    expect(await count('ingest_points')).toBe(5);
    expect(await count('opcua_samples')).toBe(1);
    expect(await count('ingest_security_events')).toBe(1);
    const users = await t.bastion.context.db
      .selectFrom('users')
      .select(['id', 'username', 'display_name', 'erased_at'])
      .orderBy('id')
      .execute();
    const erasedId = ids['left.long.ago']!;
    const erased = users.find((u) => u.id === erasedId)!;
    expect(erased.username).toBe(`erased-${erasedId}`);
    expect(erased.erased_at).not.toBeNull();
    const field = { table: 'users', column: 'display_name', row: erasedId };
    await expect(t.bastion.context.cipher.open(erased.display_name, field)).rejects.toMatchObject({
      reason: 'shredded',
    });
    expect(users.filter((u) => u.erased_at !== null).map((u) => u.id)).toEqual([erasedId]);
    const kept = users.find((u) => u.id === ids['left.recently'])!;
    expect(await t.bastion.context.cipher.open(kept.display_name, { ...field, row: kept.id })).toBe(
      'Person left.recently',
    );
    expect(users.map((u) => u.username)).toContain('left.recently');
    expect(users.map((u) => u.username)).toContain('suspended');
    // One audit record per batch, with the counts of that batch; the append-only log only grew.
    const records = await count('audit_records');
    expect(records).toBe(auditBefore + 3);
    const second = await disposalPass(run, { batchSize: 10 });
    expect(second.tables.every((line) => line.deleted === 0)).toBe(true);
  });

  it('`bastion privacy dispose --dry-run` reports what has expired and changes nothing; without it, disposes of it', async () => {
    const dry = await cli(['privacy', 'dispose', '--dry-run'], t.env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/ingest_points\s+telemetry\s+25/);
    expect(dry.stdout).toContain('29 rows or accounts past retention (dry run: nothing disposed)');
    expect(await count('ingest_points')).toBe(30);
    const done = await cli(['privacy', 'dispose'], t.env);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('29 disposed');
    expect(await count('ingest_points')).toBe(5);
    const again = await cli(['privacy', 'dispose', '--dry-run'], t.env);
    expect(again.stdout).toContain('0 rows or accounts past retention');
  });

  it('after disposal the audit log still verifies (bastion audit verify)', async () => {
    const result = await t.bastion.pipeline.execute<{ tables: unknown[]; more: boolean }>(
      'privacy.dispose',
      { batchSize: 1000 },
      { kind: 'console', id: '00000000-0000-7000-8000-000000000001' },
      { channel: 'cli' },
    );
    expect(result.more).toBe(false);
    await t.bastion.audit.checkpointNow();
    await t.bastion.close();
    const verify = await cli(['audit', 'verify'], t.env);
    expect(verify.stdout).toContain('audit log OK');
    expect(verify.code).toBe(0);
  });

  it('the scheduled service runs a pass as the system when one is due, and not again within disposeEveryHours', async () => {
    const scheduled = t.bastion.pipeline.get('privacy.dispose.scheduled');
    const { commands, clock, logger } = t.bastion.context;
    const service = new RetentionService({ commands, clock, logger, everyHours: 24, scheduled });
    await service.tick();
    expect(await count('ingest_points')).toBe(5);
    expect(t.logs.text).toContain('retention: disposal pass done');
    await t.bastion.pipeline.execute(
      'test.seed',
      { table: 'ingest_points', rows: [value(900, now - 900 * DAY)] },
      SYSTEM_ACTOR,
      SYSTEM_ORIGIN,
    );
    await service.tick();
    expect(await count('ingest_points')).toBe(6); // not due yet: the next pass comes a day after the first
    await service.stop();
  });

  it('a rule kept for ever (null) disposes of nothing, and append-only tables are never touched', async () => {
    const keep = {
      ...t.config,
      privacy: { ...t.config.privacy, retention: { ...t.config.privacy.retention, telemetry: null } },
    };
    const preview = await disposalPreview(t.bastion.context.db, t.bastion.context.catalog, keep.privacy.retention, now);
    expect(preview.map((line) => line.table).sort()).toEqual([
      'ingest_security_events',
      'security_events',
      'sessions',
      'users',
    ]);
    const guarded = await disposalPreview(t.bastion.context.db, mistaken, t.config.privacy.retention, now);
    expect(guarded.map((line) => line.table).sort()).toEqual([
      'ingest_points',
      'ingest_security_events',
      'opcua_samples',
      'users',
    ]);
  });

  it('an unknown retention rule name in the configuration is refused, naming the key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bastion-retention-'));
    try {
      writeFileSync(join(dir, 'bastion.config.json'), JSON.stringify({ privacy: { retention: { telemetri: 30 } } }));
      expect(() => loadConfig({ env: {}, cwd: dir })).toThrow(/unknown key "privacy\.retention\.telemetri"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
