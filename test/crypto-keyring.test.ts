import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBastion, type Bastion } from '../src/app/bastion.js';
import { initialize } from '../src/app/init.js';
import { SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../src/kernel/actors.js';
import { loadConfig } from '../src/kernel/config/load.js';
import { createLogger } from '../src/kernel/logger.js';
import { FieldUnreadableError } from '../src/kernel/privacy/cipher.js';
import type { AnyTables } from '../src/kernel/store.js';
import { testEnvironment } from './support/bastion.js';
import { personalField, secretField, secretsModule, storedSecret } from './support/crypto-table.js';
import { testDialect } from './support/database.js';

interface Opened {
  bastion: Bastion;
  env: Record<string, string>;
  dataDir: string;
  reopen(extra?: Record<string, string>): Promise<Bastion>;
  cleanup(): Promise<void>;
}

/** An initialised data directory opened with the test table; `reopen` starts it again with other variables. */
async function opened(extraEnv: Record<string, string> = {}): Promise<Opened> {
  const { env, dataDir, cleanup } = await testEnvironment(extraEnv);
  const logger = createLogger('silent');
  const open = (more: Record<string, string> = {}) => {
    const all = { ...env, ...more };
    return openBastion(loadConfig({ env: all, cwd: dataDir }), { logger, extraModules: [secretsModule], env: all });
  };
  await initialize(loadConfig({ env, cwd: dataDir }), logger, 'admin', env);
  return { bastion: await open(), env, dataDir, reopen: open, cleanup };
}

const write = (bastion: Bastion, id: string, secret: string, owner = 'owner-1') =>
  bastion.pipeline.execute('test.secret.write', { id, owner, secret }, SYSTEM_ACTOR, SYSTEM_ORIGIN);

async function reasonOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof FieldUnreadableError) return error.reason;
    throw error;
  }
  return 'opened';
}

describe(`keyring and field encryption (${testDialect})`, () => {
  let t: Opened;
  beforeAll(async () => {
    t = await opened();
    await write(t.bastion, 'row-1', 'the secret recipe');
    await write(t.bastion, 'row-2', 'another secret');
  });
  afterAll(async () => {
    await t.bastion.close();
    await t.cleanup();
  });

  it('stores a sealed value that is not the clear text and opens it back for its own row', async () => {
    const stored = await storedSecret(t.bastion.context.db, 'row-1');
    expect(stored).not.toContain('secret recipe');
    expect(t.bastion.keyring.isSealed(stored)).toBe(true);
    expect(await t.bastion.keyring.open(stored, secretField('row-1'))).toBe('the secret recipe');
  });

  it('refuses as tampered a ciphertext copied from one row of the database to another', async () => {
    const db = t.bastion.storage.db as unknown as Kysely<AnyTables>;
    const copied = await storedSecret(t.bastion.context.db, 'row-1');
    await db.updateTable('test_secrets').set({ secret: copied }).where('id', '=', 'row-2').execute();
    const moved = await storedSecret(t.bastion.context.db, 'row-2');
    expect(await reasonOf(t.bastion.keyring.open(moved, secretField('row-2')))).toBe('tampered');
  });

  it('refuses as tampered a ciphertext opened as another column of the same row', async () => {
    const stored = await storedSecret(t.bastion.context.db, 'row-1');
    expect(await reasonOf(t.bastion.keyring.open(stored, personalField('row-1')))).toBe('tampered');
  });

  it('refuses as tampered a ciphertext with one flipped byte', async () => {
    const stored = await storedSecret(t.bastion.context.db, 'row-1');
    const [prefix, key, iv, body] = stored.split('.') as [string, string, string, string];
    const bytes = Buffer.from(body, 'base64url');
    bytes[0] = bytes[0]! ^ 0x01;
    const flipped = [prefix, key, iv, bytes.toString('base64url')].join('.');
    expect(await reasonOf(t.bastion.keyring.open(flipped, secretField('row-1')))).toBe('tampered');
  });

  it('answers shredded for a value under a data subject whose keys were shredded, and still opens others', async () => {
    await write(t.bastion, 'row-3', 'personal data', 'owner-3');
    await write(t.bastion, 'row-4', 'kept data', 'owner-4');
    const personal = async (id: string) =>
      (
        (await t.bastion.context.db
          .selectFrom('test_secrets')
          .select('personal')
          .where('id', '=', id)
          .executeTakeFirst()) as { personal: string }
      ).personal;
    const shredded = await t.bastion.pipeline.execute<{ shredded: number }>(
      'test.secret.shred',
      { owner: 'owner-3' },
      SYSTEM_ACTOR,
      SYSTEM_ORIGIN,
    );
    expect(shredded.shredded).toBe(1);
    expect(await reasonOf(t.bastion.keyring.open(await personal('row-3'), personalField('row-3')))).toBe('shredded');
    expect(await t.bastion.keyring.open(await personal('row-4'), personalField('row-4'))).toBe('kept data');
    const row = await t.bastion.context.db
      .selectFrom('crypto_keys')
      .select(['wrapped', 'state'])
      .where('subject', '=', 'owner-3')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ wrapped: '', state: 'shredded' });
  });

  it('gives equal blind indexes for equal values and different ones per purpose, never the clear value', () => {
    const { keyring } = t.bastion;
    expect(keyring.blindIndex('badge-42', 'badges')).toBe(keyring.blindIndex('badge-42', 'badges'));
    expect(keyring.blindIndex('badge-42', 'badges')).not.toBe(keyring.blindIndex('badge-43', 'badges'));
    expect(keyring.blindIndex('badge-42', 'badges')).not.toBe(keyring.blindIndex('badge-42', 'serials'));
    expect(keyring.blindIndex('badge-42', 'badges')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('stores an idempotent command’s result sealed, and a retry still gets the first result', async () => {
    const origin = { ...SYSTEM_ORIGIN, idempotencyKey: 'retry-1' };
    const input = { id: 'row-5', owner: 'o', secret: 'one-time-value-xyz' };
    const first = await t.bastion.pipeline.execute('test.secret.write', input, SYSTEM_ACTOR, origin);
    const again = await t.bastion.pipeline.execute('test.secret.write', input, SYSTEM_ACTOR, origin);
    expect(again).toEqual(first);
    const raw = await t.bastion.context.db
      .selectFrom('command_idempotency')
      .select('result')
      .where('idempotency_key', '=', 'retry-1')
      .executeTakeFirstOrThrow();
    expect(raw.result).not.toContain('one-time-value-xyz');
    expect(t.bastion.keyring.isSealed(raw.result)).toBe(true);
  });

  it('stores a held command’s input sealed, and its approval still runs it with that input', async () => {
    const held = await t.bastion.pipeline.execute<{ approvalId: string }>(
      'test.secret.held',
      { secret: 'held-password-abc' },
      SYSTEM_ACTOR,
      SYSTEM_ORIGIN,
    );
    const raw = await t.bastion.context.db
      .selectFrom('command_approvals')
      .select('input')
      .where('id', '=', held.approvalId)
      .executeTakeFirstOrThrow();
    expect(raw.input).not.toContain('held-password-abc');
    expect(t.bastion.keyring.isSealed(raw.input)).toBe(true);
    const approver = { kind: 'system' as const, id: '00000000-0000-7000-8000-0000000000a2' };
    expect(await t.bastion.pipeline.decide(held.approvalId, true, approver, SYSTEM_ORIGIN)).toEqual({ ok: true });
  });

  it('stops start-up with a ConfigError naming the KEK when keys/kek.key is not the one that wrapped the data keys', async () => {
    writeFileSync(join(t.dataDir, 'keys', 'kek.key'), randomBytes(32).toString('base64'));
    await expect(t.reopen()).rejects.toThrow(/key-encryption key .* is not the one that wrapped/);
  });
});

describe(`key-encryption key from the environment and from a passphrase (${testDialect})`, () => {
  it('seals under a KEK from BASTION_KEK, reopens with it, and refuses to start with another', async () => {
    const kek = randomBytes(32).toString('base64');
    const t = await opened({ BASTION_KEK_SOURCE: 'env', BASTION_KEK: kek });
    try {
      await write(t.bastion, 'env-1', 'under env kek');
      await t.bastion.close();
      const again = await t.reopen();
      const stored = await storedSecret(again.context.db, 'env-1');
      expect(await again.keyring.open(stored, secretField('env-1'))).toBe('under env kek');
      await again.close();
      await expect(t.reopen({ BASTION_KEK: randomBytes(32).toString('base64') })).rejects.toThrow(
        /is not the one that wrapped this database's data keys/,
      );
    } finally {
      await t.cleanup();
    }
  });

  it('derives the KEK from BASTION_KEK_PASSPHRASE (argon2id), reopens with it, and refuses another passphrase', async () => {
    const t = await opened({ BASTION_KEK_SOURCE: 'passphrase', BASTION_KEK_PASSPHRASE: 'correct horse battery' });
    try {
      await write(t.bastion, 'pass-1', 'under passphrase');
      await t.bastion.close();
      const again = await t.reopen();
      expect(await again.keyring.open(await storedSecret(again.context.db, 'pass-1'), secretField('pass-1'))).toBe(
        'under passphrase',
      );
      await again.close();
      await expect(t.reopen({ BASTION_KEK_PASSPHRASE: 'wrong horse battery' })).rejects.toThrow(/key-encryption key/);
    } finally {
      await t.cleanup();
    }
  });
});
