import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBastion } from '../src/app/bastion.js';
import { SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../src/kernel/actors.js';
import { loadConfig } from '../src/kernel/config/load.js';
import { createLogger } from '../src/kernel/logger.js';
import { testEnvironment } from './support/bastion.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';

describe(`bastion keys (${testDialect})`, () => {
  let env: Record<string, string>;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  const origin = { ...SYSTEM_ORIGIN, idempotencyKey: 'cli-keys-1' };
  /** An idempotent command whose stored result is sealed under the 'pipeline' key, and its retry. */
  const retry = async () => {
    const bastion = await openBastion(loadConfig({ env, cwd: dataDir }), { logger: createLogger('silent'), env });
    try {
      return await bastion.pipeline.execute('system.stop', { reason: 'test' }, SYSTEM_ACTOR, origin);
    } finally {
      await bastion.close();
    }
  };
  beforeAll(async () => {
    ({ env, dataDir, cleanup } = await testEnvironment());
    expect((await cli(['init'], env)).code).toBe(0);
    await retry();
  });
  afterAll(() => cleanup());

  it('rotates every data key with `keys rotate`: exit 0, progress on stderr, the old version retired', async () => {
    const run = await cli(['keys', 'rotate'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/re-encrypting pipeline: 1\/1 values/);
    expect(run.stdout).toContain('pipeline: version 2 active, 1 value(s) re-encrypted, 1 old version(s) retired');
    const list = await cli(['keys', 'list', '--json'], env);
    const keys = (
      JSON.parse(list.stdout) as { keys: { purpose: string; version: number; state: string; rows: number }[] }
    ).keys
      .filter((k) => k.purpose === 'pipeline')
      .map(({ version, state, rows }) => ({ version, state, rows }));
    expect(keys).toEqual([
      { version: 1, state: 'retired', rows: 0 },
      { version: 2, state: 'active', rows: 1 },
    ]);
    expect(await retry()).toEqual({ stopped: true });
  });

  it('re-wraps every data key under a new KEK file with `keys rotate --kek`, installs it, and the data still opens', async () => {
    const next = join(dataDir, 'new-kek.key');
    writeFileSync(next, randomBytes(32).toString('base64'), { mode: 0o600 });
    const run = await cli(['keys', 'rotate', '--kek', '--new-kek-file', next], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Re-wrapped \d+ data key\(s\) under the new key-encryption key kcv:/);
    expect(readFileSync(join(dataDir, 'keys', 'kek.key'), 'utf8')).toBe(readFileSync(next, 'utf8'));
    expect(await retry()).toEqual({ stopped: true });
    const list = await cli(['keys', 'list'], env);
    expect(list.stdout).not.toMatch(/[A-Za-z0-9_-]{43}/);
  });
});
