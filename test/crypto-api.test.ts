import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../src/kernel/actors.js';
import { canonicalDigest } from '../src/kernel/digest.js';
import type { TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, httpTestBastion, type Session } from './support/http.js';

describe(`crypto keys over HTTP and legacy pipeline rows (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;
  beforeAll(async () => {
    ({ t, app } = await httpTestBastion());
    admin = await adminSession(app, t);
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('lists the data keys by purpose, version and state with row counts, and no wrapped key material', async () => {
    await t.bastion.pipeline.execute('system.stop', { reason: 'x' }, SYSTEM_ACTOR, {
      ...SYSTEM_ORIGIN,
      idempotencyKey: 'api-1',
    });
    const response = await app.inject({ method: 'GET', url: '/api/crypto/keys', headers: admin.headers });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ keys: { purpose: string; version: number; state: string; rows: number }[] }>();
    expect(body.keys.map(({ purpose, version, state }) => ({ purpose, version, state }))).toEqual(
      expect.arrayContaining([
        { purpose: 'blind-index', version: 1, state: 'active' },
        { purpose: 'pipeline', version: 1, state: 'active' },
      ]),
    );
    expect(body.keys.find((k) => k.purpose === 'pipeline')!.rows).toBeGreaterThanOrEqual(1);
    const wrapped = await t.bastion.context.db.selectFrom('crypto_keys').select('wrapped').execute();
    for (const { wrapped: material } of wrapped) expect(response.body).not.toContain(material);
  });

  it('still answers a retry from an idempotency row stored in clear before sealing existed', async () => {
    const input = { reason: 'legacy' };
    await t.bastion.storage.db
      .insertInto('command_idempotency')
      .values({
        actor_id: SYSTEM_ACTOR.id,
        idempotency_key: 'legacy-1',
        command: 'system.stop',
        input_digest: canonicalDigest(input),
        result: JSON.stringify({ stopped: true, storedBefore: 'sealing' }),
        created_at: Date.now(),
      })
      .execute();
    const retried = await t.bastion.pipeline.execute('system.stop', input, SYSTEM_ACTOR, {
      ...SYSTEM_ORIGIN,
      idempotencyKey: 'legacy-1',
    });
    expect(retried).toEqual({ stopped: true, storedBefore: 'sealing' });
  });
});
