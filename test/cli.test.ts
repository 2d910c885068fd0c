import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verbPermissions } from '../src/cli/main.js';
import { ConsoleAuthorizer } from '../src/cli/authorize.js';
import { verifyInclusion } from '../src/modules/audit/merkle.js';
import { testEnvironment } from './support/bastion.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';

describe(`bastion CLI (${testDialect})`, () => {
  let env: Record<string, string>;
  let dataDir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ env, dataDir, cleanup } = await testEnvironment());
    rmSync(dataDir, { recursive: true }); // init must create it
  });
  afterEach(() => cleanup());

  it('init creates keys (private key 0600), a certificate and the bootstrap administrator, once', async () => {
    const run = await cli(['init'], env);
    expect(run.code).toBe(0);
    const password = run.stdout.match(/One-time password .*: (\S+)/)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(statSync(join(dataDir, 'keys', 'audit-signing.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'tls', 'server.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dataDir, 'keys', 'audit-signing.pub.pem'), 'utf8')).toContain('BEGIN PUBLIC KEY');
    const again = await cli(['init'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already initialised');
    expect(again.stdout).not.toContain('One-time password');
  });

  it('gives --help on every verb', async () => {
    for (const verb of [
      [],
      ['init'],
      ['serve'],
      ['audit'],
      ['audit', 'verify'],
      ['audit', 'export'],
      ['audit', 'proof'],
    ]) {
      const run = await cli([...verb, '--help'], env);
      expect(run.code, verb.join(' ')).toBe(0);
      expect(run.stdout).toContain('Usage: bastion');
    }
  });

  it('answers bad arguments with one line and exit code 2, writing nothing', async () => {
    for (const args of [['frobnicate'], ['init', '--bogus'], ['audit', 'proof'], ['audit', 'proof', 'abc']]) {
      const run = await cli(args, env);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(run.stderr).toMatch(/^bastion: /);
    }
    expect(existsSync(dataDir)).toBe(false);
  });

  it('stops on bad configuration with exit code 3, naming the key, writing nothing', async () => {
    const bad = await cli(['init'], { ...env, BASTION_PORT: 'eighty' });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('BASTION_PORT');
    expect(bad.stderr).toContain('port');
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const cwd = mkdtempSync(join(tmpdir(), 'bastion-cfg-'));
    writeFileSync(join(cwd, 'bastion.config.json'), JSON.stringify({ http: { plian: true } }));
    const unknown = await cli(['init'], env, cwd);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('http.plian');
    rmSync(cwd, { recursive: true });
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses audit verbs on an uninitialised directory with exit code 4', async () => {
    const run = await cli(['audit', 'verify'], env);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('bastion init');
  });

  it('exports the log and prints proofs that verify', async () => {
    await cli(['init'], env);
    const out = join(dataDir, 'export.jsonl');
    const exported = await cli(['audit', 'export', '--out', out], env);
    expect(exported.code).toBe(0);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; seq?: number; hash?: string });
    expect(lines.filter((l) => l.type === 'record').map((l) => l.seq)).toEqual([1]);
    expect(lines.filter((l) => l.type === 'checkpoint')).toHaveLength(1);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const proof = await cli(['audit', 'proof', '1'], env);
    expect(proof.code).toBe(0);
    const parsed = JSON.parse(proof.stdout) as {
      leafHash: string;
      path: string[];
      treeSize: number;
      rootHash: string;
      checkpoint: unknown;
    };
    expect(parsed.leafHash).toBe(lines[0]!.hash);
    expect(parsed.checkpoint).not.toBeNull();
    expect(
      verifyInclusion(0, parsed.treeSize, Buffer.from(parsed.leafHash, 'hex'), [], Buffer.from(parsed.rootHash, 'hex')),
    ).toBe(true);
    const missing = await cli(['audit', 'proof', '99'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('not in a log of 1 records');
  });
});

describe('CLI permissions', () => {
  it('names a declared console permission for every verb', async () => {
    const authorizer = new ConsoleAuthorizer();
    for (const [verb, permission] of Object.entries(verbPermissions)) {
      expect(authorizer.declared(permission), verb).toBe(true);
      await expect(authorizer.require(permission)).resolves.toBeUndefined();
    }
    await expect(authorizer.require('identity.bootstrap')).rejects.toThrow(/not allowed/);
  });
});
