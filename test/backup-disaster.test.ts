import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBastion } from '../src/app/bastion.js';
import { initialize } from '../src/app/init.js';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { loadConfig } from '../src/kernel/config/load.js';
import { createLogger } from '../src/kernel/logger.js';
import { BACKUP_PUBLIC_KEY_FILE } from '../src/modules/backup/index.js';
import { ageIdentity, writeBackupConfig, type S3Server } from './support/backup.js';
import { testEnvironment } from './support/bastion.js';
import { cli } from './support/cli.js';
import { BIN, requireBuiltCli } from './support/serve-process.js';
import { startS3Server } from './support/s3-server.js';

const run = promisify(execFile);
const OPERATIONS = join(import.meta.dirname, '..', 'docs', 'OPERATIONS.md');

/** The disaster-recovery block of docs/OPERATIONS.md, exactly as a person would copy it. */
function documentedProcedure(): string {
  const text = readFileSync(OPERATIONS, 'utf8');
  const marker = text.indexOf('<!-- procedure: disaster-recovery');
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(marker));
  if (marker < 0 || !block) throw new Error('docs/OPERATIONS.md has no disaster-recovery procedure block');
  return block[1]!;
}

/** A directory with a `bastion` command on it: the built CLI, run as an operator runs it. */
function bastionOnPath(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'bastion'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, 'bastion'), 0o755);
  return bin;
}

let s3: S3Server;
let work: string;

beforeAll(async () => {
  requireBuiltCli();
  work = mkdtempSync(join(tmpdir(), 'bastion-disaster-'));
  s3 = await startS3Server();
}, 60_000);

afterAll(async () => {
  await s3?.close();
  rmSync(work, { recursive: true, force: true });
});

interface Site {
  env: Record<string, string>;
  dataDir: string;
  identityFile: string;
  cleanup(): Promise<void>;
}

/** An initialised Bastion whose backups go to S3 (which is also its off-host audit witness). */
async function site(name: string): Promise<Site> {
  const dir = join(work, name);
  const identity = ageIdentity(join(dir, 'officer-safe'));
  const config = writeBackupConfig({ dir, identity, s3, quorum: 1 });
  const { env, dataDir, cleanup } = await testEnvironment({ BASTION_CONFIG: config });
  await initialize(loadConfig({ env, cwd: dataDir }), createLogger('silent'));
  return { env, dataDir, identityFile: identity.identityFile, cleanup };
}

/** Writes accounts through the pipeline, as the running plant would, and signs a checkpoint (witnessed off-host). */
async function writeAccounts(s: Site, names: string[]): Promise<void> {
  const bastion = await openBastion(loadConfig({ env: s.env, cwd: s.dataDir }), { logger: createLogger('silent') });
  try {
    for (const username of names)
      await bastion.pipeline.execute(
        'identity.user.create',
        { username, displayName: username },
        CONSOLE_ACTOR,
        CLI_ORIGIN,
      );
    await bastion.audit.checkpointNow();
  } finally {
    await bastion.close();
  }
}

/** Loses the database and every local witness file, as ransomware that encrypted the host's disk would. */
async function loseDatabaseAndWitnesses(s: Site): Promise<void> {
  for (const file of readdirSync(s.dataDir).filter((f) => f.startsWith('bastion.db'))) rmSync(join(s.dataDir, file));
  rmSync(join(s.dataDir, 'witness'), { recursive: true, force: true });
  const url = s.env.BASTION_DATABASE_URL;
  if (url === undefined) return;
  const name = new URL(url).pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`drop database "${name}" with (force)`);
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}

async function accountNames(s: Site): Promise<string[]> {
  const listed = await cli(['users', 'list'], s.env, s.dataDir);
  expect(listed.code, listed.stderr).toBe(0);
  return listed.stdout.split('\n').map((line) => line.split(/\s+/)[0] ?? '');
}

describe('disaster recovery from the off-host copy, as docs/OPERATIONS.md tells it', () => {
  it('restores the newest S3 backup after the database and local witnesses are lost; the log verifies against the S3 witness and the data is back', async () => {
    const s = await site('recover');
    try {
      await writeAccounts(s, ['before1', 'before2']);
      const backup = await cli(['backup', 'run'], s.env, s.dataDir);
      expect(backup.code, backup.stderr).toBe(0);
      await loseDatabaseAndWitnesses(s);
      expect(existsSync(join(s.dataDir, 'bastion.db'))).toBe(false);

      const shell = await run('bash', ['-euo', 'pipefail', '-c', documentedProcedure()], {
        cwd: s.dataDir,
        env: {
          ...process.env,
          ...s.env,
          PATH: `${bastionOnPath(join(work, 'recover'))}:${process.env.PATH ?? ''}`,
          IDENTITY_FILE: s.identityFile,
          BACKUP_PUBLIC_KEY: join(s.dataDir, 'keys', BACKUP_PUBLIC_KEY_FILE),
        },
      });
      expect(shell.stdout).toMatch(/ok\s+audit/);
      expect(shell.stdout).toMatch(/audit log OK/);
      expect(shell.stdout).toContain('checked against off-host witness witness:s3:offsite-s3');

      // Bastion starts on the restored data, and what was written before the backup is there.
      await writeAccounts(s, ['after']);
      expect(await accountNames(s)).toEqual(expect.arrayContaining(['admin', 'before1', 'before2', 'after']));
      const verify = await cli(['audit', 'verify'], s.env, s.dataDir);
      expect(verify.code, verify.stdout).toBe(0);
    } finally {
      await s.cleanup();
    }
  }, 240_000);

  it('reports a restore from an older backup as a truncated log, naming the newer off-host checkpoint', async () => {
    const s = await site('truncated');
    try {
      await writeAccounts(s, ['early']);
      const old = await cli(['backup', 'run'], s.env, s.dataDir);
      const oldId = /backup (\S+) written/.exec(old.stdout)?.[1];
      expect(oldId, old.stderr).toBeDefined();
      await writeAccounts(s, ['late1', 'late2', 'late3']);
      await loseDatabaseAndWitnesses(s);

      const restore = await cli(
        [
          'restore',
          oldId!,
          '--into',
          s.dataDir,
          '--force',
          '--identity',
          s.identityFile,
          ...(s.env.BASTION_DATABASE_URL !== undefined ? ['--database-url', s.env.BASTION_DATABASE_URL] : []),
        ],
        s.env,
        s.dataDir,
      );
      expect(restore.code).toBe(10);
      expect(restore.stdout).toMatch(/FAIL\s+audit/);
      expect(restore.stdout).toMatch(/truncated|ends at record/);
      expect(restore.stdout).toContain('witness:s3:offsite-s3');
      const verify = await cli(['audit', 'verify'], s.env, s.dataDir);
      expect(verify.code).toBe(10);
      expect(verify.stdout).toContain('truncated');
    } finally {
      await s.cleanup();
    }
  }, 240_000);
});
