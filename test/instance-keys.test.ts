import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEnvironment } from './support/bastion.js';
import { cli, serveOnce } from './support/cli.js';
import { testDialect } from './support/database.js';
import { freePort } from './support/eventually.js';

// Issue 10, item 10e: a second instance on the same database (PostgreSQL; on SQLite the same database file,
// linked into its data directory) must hold the keys the first one made.
describe(`keys every instance on one database must share (${testDialect})`, () => {
  let first: Record<string, string>;
  let second: Record<string, string>;
  let secondDir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    const made = await testEnvironment();
    first = made.env;
    secondDir = mkdtempSync(join(tmpdir(), 'bastion-second-'));
    first.BASTION_PORT = String(await freePort());
    second = { ...first, BASTION_DATA_DIR: secondDir };
    cleanup = async () => {
      await made.cleanup();
      rmSync(secondDir, { recursive: true, force: true });
    };
    expect((await cli(['init'], first)).code).toBe(0);
    if (testDialect === 'sqlite') symlinkSync(join(made.dataDir, 'bastion.db'), join(secondDir, 'bastion.db'));
    mkdirSync(join(secondDir, 'keys'), { mode: 0o700 });
  });
  afterEach(() => cleanup());

  const firstKey = (name: string) => join(first.BASTION_DATA_DIR!, 'keys', name);
  const secondKey = (name: string) => join(secondDir, 'keys', name);

  it('refuses to serve with exit code 3, naming identity-secrets.key, when only the audit key was copied, and makes no key', async () => {
    copyFileSync(firstKey('audit-signing.key'), secondKey('audit-signing.key'));
    const run = await serveOnce(second);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/keys\/identity-secrets\.key .*is missing from .*the database already records one/);
    expect(run.stdout).not.toContain('Bastion is serving');
    expect(existsSync(secondKey('identity-secrets.key'))).toBe(false);
  });

  it('refuses to serve with exit code 3, naming identity-secrets.key, when the second instance has a key of its own', async () => {
    copyFileSync(firstKey('audit-signing.key'), secondKey('audit-signing.key'));
    copyFileSync(firstKey('recipe-signing.key'), secondKey('recipe-signing.key'));
    writeFileSync(secondKey('identity-secrets.key'), randomBytes(32).toString('base64'), { mode: 0o600 });
    const run = await serveOnce(second);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/keys\/identity-secrets\.key .*is not the key this database was written with/);
  });

  it('refuses to serve with exit code 3, naming recipe-signing.key, when that key file is corrupt', async () => {
    cpSync(join(first.BASTION_DATA_DIR!, 'keys'), join(secondDir, 'keys'), { recursive: true });
    const whole = readFileSync(secondKey('recipe-signing.key'), 'utf8');
    writeFileSync(secondKey('recipe-signing.key'), whole.slice(0, whole.length >> 1)); // cut in half, as a failed copy would
    const run = await serveOnce(second);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`Key file ${secondKey('recipe-signing.key')} is not a PEM private key`);
    expect(run.stdout).not.toContain('Bastion is serving');
  });

  it('refuses to serve with exit code 3, naming recipe-signing.key, when that key was not copied, and makes none', async () => {
    cpSync(join(first.BASTION_DATA_DIR!, 'keys'), join(secondDir, 'keys'), { recursive: true });
    rmSync(secondKey('recipe-signing.key'));
    const missingRecipeKey = await serveOnce(second);
    expect(missingRecipeKey.code).toBe(3);
    expect(missingRecipeKey.stderr).toContain('keys/recipe-signing.key (recipe signing key) is missing');
    expect(existsSync(secondKey('recipe-signing.key'))).toBe(false);
  });

  it('refuses `bastion init` of a second data directory without the audit key, and leaves it without one', async () => {
    const run = await cli(['init'], second);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('keys/audit-signing.key (audit checkpoint signing key) is missing');
    expect(existsSync(secondKey('audit-signing.key'))).toBe(false);
    expect(existsSync(secondKey('identity-secrets.key'))).toBe(false);
  });

  it('serves the second instance once the whole keys directory is copied', async () => {
    cpSync(join(first.BASTION_DATA_DIR!, 'keys'), join(secondDir, 'keys'), { recursive: true });
    rmSync(secondKey('audit-signing.pub.pem')); // derived from the private key, made again
    const run = await serveOnce(second);
    expect(run.stderr).not.toContain('keys/');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Bastion stopped.');
    expect(existsSync(secondKey('audit-signing.pub.pem'))).toBe(true);
  });
});
