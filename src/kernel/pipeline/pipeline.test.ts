import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestBastion, type TestBastion } from '../../../test/support/bastion.js';
import { testDialect } from '../../../test/support/database.js';
import { auditCount } from '../../../test/support/records.js';
import { AppError, ConflictError, ForbiddenError, ValidationError } from '../errors.js';
import type { DomainEvent } from '../events.js';
import { inTransaction } from '../../storage/storage.js';
import { CommandPipeline } from './pipeline.js';
import { defineCommand, type Actor, type Authorizer, type Origin } from './types.js';

interface WidgetDb {
  widgets: { id: string; quantity: number };
}

const actor: Actor = { kind: 'user', id: '0190a0a0-0000-7000-8000-00000000abcd' };
const origin: Origin = { channel: 'cli' };
const allowAll: Authorizer = { authorize: () => Promise.resolve({ allowed: true }) };

const createWidget = defineCommand({
  name: 'widget.create',
  summary: 'create a widget',
  input: Type.Object(
    { id: Type.String({ minLength: 1 }), quantity: Type.Integer({ minimum: 0 }), fail: Type.Optional(Type.String()) },
    { additionalProperties: false },
  ),
  output: Type.Object({ id: Type.String() }),
  errors: ['conflict'],
  permission: 'widget.create',
  async handler(ctx, input) {
    await (ctx.tx as unknown as Kysely<WidgetDb>)
      .insertInto('widgets')
      .values({ id: input.id, quantity: input.quantity })
      .execute();
    if (input.fail === 'known') throw new ConflictError('widget refused after insert');
    if (input.fail === 'unknown') throw new Error('database exploded: secret detail');
    ctx.setTarget({ type: 'widget', id: input.id });
    ctx.recordChange(undefined, { id: input.id, quantity: input.quantity });
    ctx.emit('widget.created', { id: input.id });
    return { id: input.id };
  },
});

describe(`command pipeline (${testDialect})`, () => {
  let t: TestBastion;
  let widgets: Kysely<WidgetDb>;

  beforeEach(async () => {
    t = await createTestBastion();
    widgets = t.bastion.storage.db as unknown as Kysely<WidgetDb>;
    await widgets.schema
      .createTable('widgets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('quantity', 'integer')
      .execute();
    t.bastion.permissions.register({ name: 'widget.create', description: 'test' });
    t.bastion.pipeline.register(createWidget);
    t.bastion.pipeline.setAuthorizer(allowAll);
  });
  afterEach(() => t.destroy());

  const widgetCount = async () => (await widgets.selectFrom('widgets').selectAll().execute()).length;
  const lastRecord = async () => {
    const row = await t.bastion.storage.db
      .selectFrom('audit_records')
      .select('body')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    return JSON.parse(row.body) as Record<string, unknown>;
  };

  it('commits the change and its audit record together, then publishes events', async () => {
    const seen: { event: DomainEvent; rowsAtEvent: number }[] = [];
    t.bastion.events.subscribe(
      'widget.created',
      async (event) => void seen.push({ event, rowsAtEvent: await widgetCount() }),
    );
    const before = await auditCount(t.bastion);
    await expect(
      t.bastion.pipeline.execute('widget.create', { id: 'w1', quantity: 3 }, actor, origin),
    ).resolves.toEqual({ id: 'w1' });
    expect(await widgetCount()).toBe(1);
    expect(await auditCount(t.bastion)).toBe(before + 1);
    const record = await lastRecord();
    expect(record).toMatchObject({
      action: 'widget.create',
      outcome: 'success',
      actor: { kind: 'user', id: actor.id },
      target: { type: 'widget', id: 'w1' },
      origin: { channel: 'cli' },
    });
    expect((record.details as Record<string, unknown>).afterDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.rowsAtEvent).toBe(1); // the event saw the committed row
  });

  it('refuses invalid input with every bad field named, and writes nothing at all', async () => {
    const before = await auditCount(t.bastion);
    const error = await t.bastion.pipeline
      .execute('widget.create', { id: '', quantity: -1, extra: true }, actor, origin)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).fields!.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['/id', '/quantity']));
    expect(await widgetCount()).toBe(0);
    expect(await auditCount(t.bastion)).toBe(before);
  });

  it('audits a denied command and changes nothing else', async () => {
    t.bastion.pipeline.setAuthorizer({
      authorize: () => Promise.resolve({ allowed: false, reason: 'no role grants widget.create' }),
    });
    const before = await auditCount(t.bastion);
    await expect(
      t.bastion.pipeline.execute('widget.create', { id: 'w2', quantity: 1 }, actor, origin),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await widgetCount()).toBe(0);
    expect(await auditCount(t.bastion)).toBe(before + 1);
    expect(await lastRecord()).toMatchObject({
      action: 'widget.create',
      outcome: 'denied',
      reason: 'no role grants widget.create',
    });
  });

  it('rolls back a failed handler and audits the failure with its code', async () => {
    await expect(
      t.bastion.pipeline.execute('widget.create', { id: 'w3', quantity: 1, fail: 'known' }, actor, origin),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(await widgetCount()).toBe(0);
    expect(await lastRecord()).toMatchObject({ action: 'widget.create', outcome: 'failed', reason: 'conflict' });
  });

  it('hides an unexpected error from the caller and audits it as an error', async () => {
    const error = (await t.bastion.pipeline
      .execute('widget.create', { id: 'w4', quantity: 1, fail: 'unknown' }, actor, origin)
      .catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('internal_error');
    expect(error.message).not.toContain('secret detail');
    expect(await widgetCount()).toBe(0);
    const record = await lastRecord();
    expect(record).toMatchObject({ outcome: 'error', reason: 'internal_error' });
    expect(JSON.stringify(record)).not.toContain('secret detail');
  });

  it('fails closed: when the audit append fails, the change is rolled back', async () => {
    const broken = new CommandPipeline({
      store: { ...t.bastion.storage, transact: (work) => inTransaction(t.bastion.storage, t.bastion.logger, work) },
      audit: { append: async () => Promise.reject(new Error('audit store unavailable')) },
      authorizer: allowAll,
      events: t.bastion.events,
      permissions: t.bastion.permissions,
      clock: t.bastion.clock,
      logger: t.logger,
    });
    broken.register(createWidget);
    await expect(broken.execute('widget.create', { id: 'w5', quantity: 1 }, actor, origin)).rejects.toBeInstanceOf(
      AppError,
    );
    expect(await widgetCount()).toBe(0);
  });

  it('returns the first result for a retried idempotent command and writes nothing new', async () => {
    const retry: Origin = { channel: 'http', idempotencyKey: 'terminal-7-report-0001' };
    const first = await t.bastion.pipeline.execute('widget.create', { id: 'w6', quantity: 2 }, actor, retry);
    const records = await auditCount(t.bastion);
    const second = await t.bastion.pipeline.execute('widget.create', { id: 'w6', quantity: 2 }, actor, retry);
    expect(second).toEqual(first);
    expect(await widgetCount()).toBe(1);
    expect(await auditCount(t.bastion)).toBe(records);
    await expect(
      t.bastion.pipeline.execute('widget.create', { id: 'w7', quantity: 2 }, actor, retry),
    ).rejects.toMatchObject({ code: 'idempotency_key_reused' });
    expect(await widgetCount()).toBe(1);
  });

  it('refuses to register a command whose permission is not declared', () => {
    expect(() =>
      t.bastion.pipeline.register({ ...createWidget, name: 'widget.other', permission: 'widget.undeclared' }),
    ).toThrow(/undeclared permission/);
  });
});
