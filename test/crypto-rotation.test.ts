import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBastion, type Bastion } from '../src/app/bastion.js';
import { initialize } from '../src/app/init.js';
import { CLI_ORIGIN, CONSOLE_ACTOR, SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../src/kernel/actors.js';
import { loadConfig } from '../src/kernel/config/load.js';
import { createLogger } from '../src/kernel/logger.js';
import { rotateKeys } from '../src/modules/crypto/index.js';
import { testEnvironment } from './support/bastion.js';
import { SECRET, secretField, secretsModule } from './support/crypto-table.js';
import { testDialect } from './support/database.js';

/** Writers that keep inserting and updating sealed rows until stopped; each owns its ids, so the truth is known. */
function writers(bastion: Bastion, count: number) {
  const truth = new Map<string, string>();
  let stop = false;
  const run = async (w: number) => {
    for (let n = 0; !stop; n += 1) {
      const id = `w${w}-${n}`;
      const secret = `value ${w}/${n}`;
      await bastion.pipeline.execute('test.secret.write', { id, owner: 'o', secret }, SYSTEM_ACTOR, SYSTEM_ORIGIN);
      truth.set(id, secret);
      if (n > 0 && n % 3 === 0) {
        const earlier = `w${w}-${n - 2}`;
        const changed = `changed ${w}/${n}`;
        await bastion.pipeline.execute(
          'test.secret.update',
          { id: earlier, secret: changed },
          SYSTEM_ACTOR,
          SYSTEM_ORIGIN,
        );
        truth.set(earlier, changed);
      }
      // SQLite commands complete in microtasks: without a turn of the event loop the rotation would starve.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const running = Array.from({ length: count }, (_, w) => run(w));
  return {
    truth,
    stop: async () => {
      stop = true;
      await Promise.all(running);
    },
  };
}

describe(`data key rotation under concurrent writes (${testDialect})`, () => {
  let bastion: Bastion;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const made = await testEnvironment();
    cleanup = made.cleanup;
    const logger = createLogger('silent');
    await initialize(loadConfig({ env: made.env, cwd: made.dataDir }), logger, 'admin', made.env);
    const config = loadConfig({ env: made.env, cwd: made.dataDir });
    bastion = await openBastion(config, { logger, extraModules: [secretsModule], env: made.env });
  });
  afterAll(async () => {
    await bastion.close();
    await cleanup();
  });

  it('loses no row, leaves every row readable under the new version, and retires the old one', async () => {
    for (let n = 0; n < 120; n += 1)
      await bastion.pipeline.execute(
        'test.secret.write',
        { id: `pre-${n}`, owner: 'o', secret: `before ${n}` },
        SYSTEM_ACTOR,
        SYSTEM_ORIGIN,
      );
    const keys = () =>
      bastion.context.db
        .selectFrom('crypto_keys')
        .select(['id', 'version', 'state'])
        .where('purpose', '=', SECRET.purpose)
        .orderBy('version')
        .execute();
    const [old] = await keys();
    const load = writers(bastion, 2);
    const progress: number[] = [];
    const [report] = await rotateKeys(
      {
        execute: (name, input) => bastion.pipeline.execute(name, input, CONSOLE_ACTOR, CLI_ORIGIN),
        db: bastion.context.db,
        service: bastion.crypto,
        batchSize: 25,
        onProgress: (_purpose, done) => progress.push(done),
      },
      [SECRET.purpose],
    );
    await load.stop();
    expect(load.truth.size).toBeGreaterThan(10);
    const rows = (await bastion.context.db.selectFrom('test_secrets').select(['id', 'secret']).execute()) as {
      id: string;
      secret: string;
    }[];
    expect(rows.length).toBe(120 + load.truth.size);
    const wanted = new Map([
      ...Array.from({ length: 120 }, (_, n) => [`pre-${n}`, `before ${n}`] as const),
      ...load.truth,
    ]);
    for (const row of rows) {
      expect(row.secret.startsWith(`f1.${old!.id}.`)).toBe(false);
      expect(await bastion.keyring.open(row.secret, secretField(row.id))).toBe(wanted.get(row.id));
    }
    expect(await keys()).toEqual([
      { id: old!.id, version: 1, state: 'retired' },
      expect.objectContaining({ version: 2, state: 'active' }),
    ]);
    expect(report).toMatchObject({ purpose: SECRET.purpose, version: 2, retired: 1, kept: 0 });
    expect(report!.reencrypted).toBeGreaterThanOrEqual(120);
    expect(progress.at(-1)).toBe(report!.reencrypted);
  });
});
