import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DisposalApi } from '../src/cli/verbs/privacy.js';
import { SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../src/kernel/actors.js';
import { loadConfig } from '../src/kernel/config/load.js';
import { defineCommand } from '../src/kernel/pipeline/types.js';
import { column, type DataCatalog } from '../src/kernel/privacy/catalog.js';
import {
  batchRunner,
  disposalCommands,
  disposalPass,
  disposalPreview,
  disposePermission,
  pseudonymOf,
  RetentionService,
} from '../src/modules/privacy/retention/index.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';

const DAY = 86_400_000;

// What main.ts hands the CLI verb from the privacy module's index: the module's functions fit the verb's port.
export const cliApi: DisposalApi = { batchRunner, disposalPass, disposalPreview };

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

const cols = { at: column('internal') };
/** The catalogue entries the module catalogues will hold (written by another helper), for these tables. */
const catalog: DataCatalog = {
  ingest_values: { description: 'values', retention: { rule: 'telemetry', timeColumn: 'ts' }, columns: cols },
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
  batch_id: `b${n}`,
  device_id: 'd1',
  metric: 'temp',
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
const account = (id: string, username: string, expiresAt: number | null, now: number) => ({
  id,
  username,
  display_name: `Person ${username}`,
  kind: 'human',
  vendor: 0,
  password_hash: 'x',
  must_change_password: 0,
  is_bootstrap: 0,
  disabled: expiresAt === null ? 1 : 0,
  expires_at: expiresAt,
  failed_logins: 0,
  totp_enabled: 0,
  created_at: now - 1000 * DAY,
  created_by: SYSTEM_ACTOR.id,
});

describe(`retention and disposal by category (${testDialect})`, () => {
  let t: TestBastion;
  let now: number;
  const shredded: string[] = [];
  const cipher = {
    shred: (_tx: unknown, subject: string) => {
      shredded.push(subject);
      return Promise.resolve(1);
    },
  };

  async function count(table: string): Promise<number> {
    const row = (await t.bastion.context.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()) as { n: number | string };
    return Number(row.n);
  }

  beforeEach(async () => {
    t = await createTestBastion();
    shredded.length = 0;
    now = t.bastion.clock.now();
    t.bastion.permissions.register({ name: 'test.write', description: 'test only' });
    t.bastion.permissions.register(disposePermission);
    t.bastion.pipeline.register(seed);
    const run = (table: string, rows: Record<string, unknown>[]) =>
      t.bastion.pipeline.execute('test.seed', { table, rows }, SYSTEM_ACTOR, SYSTEM_ORIGIN);
    // Telemetry is kept 730 days, security events 365, former staff 183 after leaving (the defaults).
    await run('ingest_values', [
      ...Array.from({ length: 25 }, (_, n) => value(n, now - (731 + n) * DAY)),
      ...Array.from({ length: 5 }, (_, n) => value(100 + n, now - 700 * DAY)),
    ]);
    await run('opcua_samples', [sample(1, now - 800 * DAY), sample(2, now - DAY)]);
    await run('ingest_security_events', [securityEvent(1, now - 400 * DAY), securityEvent(2, now - 300 * DAY)]);
    await run('users', [
      account('11111111-aaaa-7000-8000-000000000001', 'left.long.ago', now - 200 * DAY, now),
      account('22222222-bbbb-7000-8000-000000000002', 'left.recently', now - 100 * DAY, now),
      account('33333333-cccc-7000-8000-000000000003', 'suspended', null, now),
    ]);
  });
  afterEach(() => t.destroy());

  it('a dry run counts what has expired per table and changes nothing', async () => {
    const preview = await disposalPreview(t.bastion.context.db, catalog, t.config.privacy.retention, now);
    expect(preview).toEqual([
      { table: 'ingest_security_events', rule: 'security-events', deleted: 1 },
      { table: 'ingest_values', rule: 'telemetry', deleted: 25 },
      { table: 'opcua_samples', rule: 'telemetry', deleted: 1 },
      { table: 'users', rule: 'former-staff', deleted: 1 },
    ]);
    expect(await count('ingest_values')).toBe(30);
  });

  it('a pass in batches deletes old rows, keeps young ones, erases only the long-gone leaver, reports the counts', async () => {
    const auditBefore = await count('audit_records');
    const { scheduled } = disposalCommands({ config: t.config, catalog, cipher });
    t.bastion.pipeline.register(scheduled);
    const run = batchRunner(
      t.bastion.context.commands.execute.bind(t.bastion.context.commands),
      scheduled,
      SYSTEM_ACTOR,
      SYSTEM_ORIGIN,
    );
    const report = await disposalPass(run, { batchSize: 10 });
    expect(report.complete).toBe(true);
    expect(report.batches).toBe(3); // 10 + 10 + 5 expired values: the third batch reports no more
    expect(report.tables).toEqual([
      { table: 'ingest_security_events', rule: 'security-events', deleted: 1 },
      { table: 'ingest_values', rule: 'telemetry', deleted: 25 },
      { table: 'opcua_samples', rule: 'telemetry', deleted: 1 },
      { table: 'users', rule: 'former-staff', deleted: 1 },
    ]);
    expect(await count('ingest_values')).toBe(5);
    expect(await count('opcua_samples')).toBe(1);
    expect(await count('ingest_security_events')).toBe(1);
    const users = await t.bastion.context.db
      .selectFrom('users')
      .select(['id', 'username', 'display_name'])
      .orderBy('id')
      .execute();
    const erasedId = '11111111-aaaa-7000-8000-000000000001';
    expect(shredded).toEqual([erasedId]);
    expect(users.find((u) => u.id === erasedId)).toEqual({
      id: erasedId,
      username: pseudonymOf(erasedId),
      display_name: pseudonymOf(erasedId),
    });
    expect(users.map((u) => u.username)).toContain('left.recently');
    expect(users.map((u) => u.username)).toContain('suspended');
    // One audit record per batch, with the counts of that batch; the append-only log only grew.
    const records = await count('audit_records');
    expect(records).toBe(auditBefore + 3);
    const second = await disposalPass(run, { batchSize: 10 });
    expect(second.tables.every((line) => line.deleted === 0)).toBe(true);
  });

  it('after disposal the audit log still verifies (bastion audit verify)', async () => {
    const { dispose } = disposalCommands({ config: t.config, catalog, cipher });
    t.bastion.pipeline.register(dispose);
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
    const { scheduled } = disposalCommands({ config: t.config, catalog, cipher });
    t.bastion.pipeline.register(scheduled);
    const { commands, clock, logger } = t.bastion.context;
    const service = new RetentionService({ commands, clock, logger, everyHours: 24, scheduled });
    await service.tick();
    expect(await count('ingest_values')).toBe(5);
    expect(t.logs.text).toContain('retention: disposal pass done');
    await t.bastion.pipeline.execute(
      'test.seed',
      { table: 'ingest_values', rows: [value(900, now - 900 * DAY)] },
      SYSTEM_ACTOR,
      SYSTEM_ORIGIN,
    );
    await service.tick();
    expect(await count('ingest_values')).toBe(6); // not due yet: the next pass comes a day after the first
    await service.stop();
  });

  it('a rule kept for ever (null) disposes of nothing, and append-only tables are never touched', async () => {
    const keep = {
      ...t.config,
      privacy: { ...t.config.privacy, retention: { ...t.config.privacy.retention, telemetry: null } },
    };
    const preview = await disposalPreview(t.bastion.context.db, catalog, keep.privacy.retention, now);
    expect(preview.map((line) => line.table)).toEqual(['ingest_security_events', 'users']);
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
