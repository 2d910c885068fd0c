import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupHostOf } from '../src/app/backup-host.js';
import { buildHttpApp } from '../src/http/app.js';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { SECURITY_EVENT, type DomainEvent } from '../src/kernel/events.js';
import {
  backupDestinations,
  backupJobCommands,
  BackupService,
  listBackups,
  verifyBackup,
  BACKUP_KEY_FILE,
} from '../src/modules/backup/index.js';
import { KeyStore } from '../src/kernel/keys/key-store.js';
import { ageIdentity, writeBackupConfig, type S3Server, type SftpServer } from './support/backup.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { cli } from './support/cli.js';
import { dropDatabase, freshDatabaseUrl } from './support/database.js';
import { freePort, until } from './support/eventually.js';
import { enrolledSession, makeUser } from './support/identity.js';
import { startS3Server } from './support/s3-server.js';
import { startSftpServer } from './support/sftp-server.js';
import { BIN } from './support/serve-process.js';

const execFileAsync = promisify(execFile);

let s3: S3Server;
let sftp: SftpServer;
let work: string;
const opened: TestBastion[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'bastion-backup-'));
  [s3, sftp] = await Promise.all([startS3Server(), startSftpServer()]);
}, 60_000);

afterAll(async () => {
  for (const t of opened) await t.destroy();
  await Promise.allSettled([s3?.close(), sftp?.destroy()]);
  rmSync(work, { recursive: true, force: true });
});

/** A Bastion whose backups go to a directory, the S3 server and the SFTP server (quorum 2 of 3). */
async function bastionWithBackups(
  name: string,
  s3Endpoint = s3.endpoint,
): Promise<{ t: TestBastion; localPath: string }> {
  const dir = join(work, name);
  const localPath = join(dir, 'local-backups');
  const identity = ageIdentity(join(dir, 'offline'));
  const config = writeBackupConfig({ dir, identity, localPath, s3: { ...s3, endpoint: s3Endpoint }, sftp, quorum: 2 });
  const t = await createTestBastion({ BASTION_CONFIG: config });
  opened.push(t);
  return { t, localPath };
}

async function backupRun(t: TestBastion) {
  const run = await cli(['backup', 'run'], t.env, t.dataDir);
  const id = /backup (\d{8}T\d{6}Z-[0-9a-f]{8}) written/.exec(run.stdout)?.[1];
  return { ...run, id };
}

const copiesOf = (t: TestBastion, backupId: string) =>
  t.bastion.storage.db
    .selectFrom('backup_copies')
    .select(['destination', 'status', 'error'])
    .where('backup_id', '=', backupId)
    .orderBy('destination')
    .execute();

describe('backups to a directory, S3 and SFTP', () => {
  it('writes one backup to all three destinations, each holding a manifest whose signature and digests verify', async () => {
    const { t } = await bastionWithBackups('three');
    const run = await backupRun(t);
    expect(run.code, run.stderr).toBe(0);
    expect(run.id).toBeDefined();
    const publicKey = KeyStore.of(t.dataDir).load(BACKUP_KEY_FILE).publicKey;
    for (const destination of backupDestinations(t.config)) {
      expect((await listBackups(destination)).complete, destination.name).toEqual([run.id]);
      const check = await verifyBackup(destination, run.id!, publicKey);
      expect(check.problems, destination.name).toEqual([]);
      expect(check.ok).toBe(true);
    }
    expect(await copiesOf(t, run.id!)).toEqual([
      { destination: 'local', status: 'written', error: null },
      { destination: 'offsite-s3', status: 'written', error: null },
      { destination: 'vault-sftp', status: 'written', error: null },
    ]);
  }, 120_000);

  it('with the SFTP server down, the backup meets quorum 2, records SFTP as failed, and the next run copies it there', async () => {
    const { t } = await bastionWithBackups('down');
    await sftp.stop();
    let first: Awaited<ReturnType<typeof backupRun>>;
    try {
      first = await backupRun(t);
    } finally {
      await sftp.start();
    }
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/vault-sftp\s+failed/);
    expect(await copiesOf(t, first.id!)).toEqual([
      { destination: 'local', status: 'written', error: null },
      { destination: 'offsite-s3', status: 'written', error: null },
      { destination: 'vault-sftp', status: 'failed', error: expect.stringContaining('vault-sftp') as string },
    ]);
    const sftpDestination = backupDestinations(t.config).find((d) => d.name === 'vault-sftp')!;
    expect((await listBackups(sftpDestination)).complete).toEqual([]);

    const second = await backupRun(t);
    expect(second.code, second.stderr).toBe(0);
    const held = (await listBackups(sftpDestination)).complete;
    expect(held).toContain(first.id);
    expect(held).toContain(second.id);
    const publicKey = KeyStore.of(t.dataDir).load(BACKUP_KEY_FILE).publicKey;
    expect((await verifyBackup(sftpDestination, first.id!, publicKey)).ok).toBe(true);
    expect((await copiesOf(t, first.id!)).find((c) => c.destination === 'vault-sftp')?.status).toBe('written');
  }, 180_000);

  it('a backup that misses its quorum fails, with exit code 1 and every destination reported', async () => {
    // S3 at a port nobody listens on, and the SFTP server stopped: only the directory is left.
    const { t } = await bastionWithBackups('quorum', `http://127.0.0.1:${await freePort()}`);
    await sftp.stop();
    let run: Awaited<ReturnType<typeof backupRun>>;
    try {
      run = await backupRun(t);
    } finally {
      await sftp.start();
    }
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/backup failed: reached 1 of 3 destinations; the quorum is 2/);
    expect(run.stdout).toMatch(/offsite-s3\s+failed/);
    const job = await t.bastion.storage.db
      .selectFrom('backup_jobs')
      .selectAll()
      .where('kind', '=', 'backup')
      .executeTakeFirstOrThrow();
    expect(job.status).toBe('failed');
  }, 180_000);

  it('one flipped byte in a stored backup is found by `backup verify`, naming the destination and the part', async () => {
    const { t, localPath } = await bastionWithBackups('flip');
    const run = await backupRun(t);
    expect(run.code, run.stderr).toBe(0);
    flipByte(join(localPath, 'backups', run.id!, 'database.age'));
    const verify = await cli(['backup', 'verify', run.id!], t.env, t.dataDir);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('does not verify at local');
    expect(verify.stdout).toMatch(/database/);
    const untouched = await cli(['backup', 'verify', run.id!, '--destination', 'offsite-s3'], t.env, t.dataDir);
    expect(untouched.code, untouched.stdout).toBe(0);
  }, 120_000);
});

function flipByte(file: string): void {
  const bytes = readFileSync(file);
  const at = Math.floor(bytes.length / 2);
  bytes[at] = bytes[at]! ^ 0x01;
  writeFileSync(file, bytes);
}

describe('restore drills through the API', () => {
  let t: TestBastion;
  let localPath: string;
  let app: FastifyInstance;
  let service: BackupService;
  const events: DomainEvent[] = [];

  beforeAll(async () => {
    ({ t, localPath } = await bastionWithBackups('drill'));
    app = await buildHttpApp(t.bastion);
    // As `bastion serve` wires it (src/app/serve.ts): jobs requested over the API run after their commit.
    service = new BackupService(backupHostOf(t.bastion), backupJobCommands(t.config));
    service.start();
    t.bastion.events.subscribe('*', (event) => void events.push(event));
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await app?.close();
  });

  async function officer() {
    const user = await makeUser(t.bastion, app, {
      username: `sec${Math.random().toString(36).slice(2, 7)}`,
      roles: [{ role: 'security-officer' }],
    });
    return enrolledSession(app, user);
  }

  async function finished(session: { headers: Record<string, string> }, jobId: string) {
    return until(
      async () => {
        const job = await app.inject({ method: 'GET', url: `/api/backups/jobs/${jobId}`, headers: session.headers });
        const body = job.json<{ status: string }>();
        return body.status === 'running' ? undefined : body;
      },
      `job ${jobId} to end`,
      120_000,
    );
  }

  it('a drill of an intact backup passes every check and reports the RPO and RTO achieved', async () => {
    const session = await officer();
    const backup = await app.inject({ method: 'POST', url: '/api/backups', headers: session.headers, payload: {} });
    expect(backup.statusCode, backup.body).toBe(200);
    await finished(session, backup.json<{ jobId: string }>().jobId);
    const drill = await app.inject({
      method: 'POST',
      url: '/api/backups/drills',
      headers: session.headers,
      payload: { destination: 'offsite-s3' },
    });
    expect(drill.statusCode, drill.body).toBe(200);
    const job = await finished(session, drill.json<{ jobId: string }>().jobId);
    expect(job.status).toBe('succeeded');
    const drills = (await app.inject({ method: 'GET', url: '/api/backups/drills', headers: session.headers })).json<{
      items: {
        destination: string;
        status: string;
        rpoMs: number;
        rtoMs: number;
        checks: { name: string; ok: boolean }[];
      }[];
    }>();
    const latest = drills.items[0]!;
    expect(latest).toMatchObject({ destination: 'offsite-s3', status: 'passed' });
    expect(latest.rtoMs).toBeGreaterThan(0);
    expect(latest.rpoMs).toBeGreaterThanOrEqual(0);
    expect(latest.checks.length).toBeGreaterThanOrEqual(4);
    expect(latest.checks.every((c) => c.ok)).toBe(true);
  }, 240_000);

  it('a drill of a damaged backup fails, raises a security event and makes /readyz degraded until a drill passes', async () => {
    const session = await officer();
    const backup = await app.inject({ method: 'POST', url: '/api/backups', headers: session.headers, payload: {} });
    const done = await finished(session, backup.json<{ jobId: string }>().jobId);
    expect(done.status).toBe('succeeded');
    const newest = readdirSync(join(localPath, 'backups')).sort().at(-1)!;
    flipByte(join(localPath, 'backups', newest, 'files.age'));
    const drill = await app.inject({
      method: 'POST',
      url: '/api/backups/drills',
      headers: session.headers,
      payload: { destination: 'local' },
    });
    const job = await finished(session, drill.json<{ jobId: string }>().jobId);
    expect(job.status).toBe('failed');
    const alarm = await until(
      () => events.find((e) => e.type === SECURITY_EVENT && e.payload.kind === 'drill-failed'),
      'the drill-failed security event',
    );
    expect(alarm.payload).toMatchObject({ source: 'backup', severity: 'high' });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json()).toEqual({ status: 'degraded', reasons: ['a restore drill failed (see the backup history)'] });

    const again = await app.inject({
      method: 'POST',
      url: '/api/backups/drills',
      headers: session.headers,
      payload: { destination: 'vault-sftp' },
    });
    expect((await finished(session, again.json<{ jobId: string }>().jobId)).status).toBe('succeeded');
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
  }, 240_000);

  it('an API restore lands in restores/<target> and passes its checks; over it again needs force and a second officer', async () => {
    const author = await officer();
    const backup = await app.inject({ method: 'POST', url: '/api/backups', headers: author.headers, payload: {} });
    const made = await finished(author, backup.json<{ jobId: string }>().jobId);
    const backupId = (made as unknown as { backupId: string }).backupId;
    const restore = (body: Record<string, unknown>, session = author) =>
      app.inject({ method: 'POST', url: `/api/backups/${backupId}/restore`, headers: session.headers, payload: body });
    const first = await restore({ target: 'copy1', destination: 'vault-sftp' });
    expect(first.statusCode, first.body).toBe(200);
    const done = await finished(author, first.json<{ jobId: string }>().jobId);
    expect(done.status, JSON.stringify(done)).toBe('succeeded');
    expect(existsSync(join(t.dataDir, 'restores', 'copy1', 'keys'))).toBe(true);

    const again = await restore({ target: 'copy1' });
    expect(again.statusCode).toBe(409);
    expect(again.json<{ code: string }>().code).toBe('restore_target_not_empty');
    const forced = await restore({ target: 'copy1', force: true });
    expect(forced.statusCode, forced.body).toBe(202);
    const approvalId = forced.json<{ approvalId: string }>().approvalId;
    const byAuthor = await app.inject({
      method: 'POST',
      url: `/api/approvals/${approvalId}/approve`,
      headers: author.headers,
      payload: {},
    });
    expect(byAuthor.json<{ code: string }>().code).toBe('separation_of_duties');
    const second = await officer();
    const approved = await app.inject({
      method: 'POST',
      url: `/api/approvals/${approvalId}/approve`,
      headers: second.headers,
      payload: {},
    });
    expect(approved.statusCode, approved.body).toBe(200);
    const replaced = await finished(second, approved.json<{ jobId: string }>().jobId);
    expect(replaced.status).toBe('succeeded');
  }, 240_000);

  it('a job left "running" by a process that died (a crash mid-backup) is marked abandoned and does not block the next', async () => {
    const session = await officer();
    // As a crashed run leaves it: claimed by a process of this host that no longer exists.
    await t.bastion.storage.db
      .insertInto('backup_jobs')
      .values({
        id: 'crashed-job',
        kind: 'backup',
        status: 'running',
        backup_id: null,
        requested_by: 'system',
        requested_at: Date.now() - 60_000,
        runner: `${hostname()}:2147483646`,
        finished_at: null,
        input: '{}',
        result: null,
        error: null,
      })
      .execute();
    const next = await app.inject({ method: 'POST', url: '/api/backups', headers: session.headers, payload: {} });
    expect(next.statusCode, next.body).toBe(200);
    expect((await finished(session, next.json<{ jobId: string }>().jobId)).status).toBe('succeeded');
    const crashed = await app.inject({ method: 'GET', url: '/api/backups/jobs/crashed-job', headers: session.headers });
    expect(crashed.json()).toMatchObject({ status: 'abandoned', error: 'the process running it ended' });
  }, 240_000);

  it('a second job while one runs is refused with 409 backup_busy, and a reader without backup.read gets 403', async () => {
    const session = await officer();
    const first = await app.inject({ method: 'POST', url: '/api/backups', headers: session.headers, payload: {} });
    expect(first.statusCode).toBe(200);
    const second = await app.inject({
      method: 'POST',
      url: '/api/backups/prune',
      headers: session.headers,
      payload: {},
    });
    expect(second.statusCode).toBe(409);
    expect(second.json<{ code: string }>().code).toBe('backup_busy');
    await finished(session, first.json<{ jobId: string }>().jobId);
    const user = await makeUser(t.bastion, app, {
      username: `op${Math.random().toString(36).slice(2, 7)}`,
      roles: [{ role: 'operator' }],
    });
    const operator = await enrolledSession(app, user);
    expect((await app.inject({ method: 'GET', url: '/api/backups', headers: operator.headers })).statusCode).toBe(403);
    expect(
      (await app.inject({ method: 'POST', url: '/api/backups', headers: operator.headers, payload: {} })).statusCode,
    ).toBe(403);
  }, 240_000);
});

describe('restore of a backup taken while commands are being written', () => {
  it('restores into an empty directory (and database) and passes integrity, row counts and the audit chain', async () => {
    const { t } = await bastionWithBackups('concurrent');
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await t.bastion.pipeline.execute(
          'identity.user.create',
          { username: `writer${written}`, displayName: `Writer ${written}` },
          CONSOLE_ACTOR,
          CLI_ORIGIN,
        );
        written++;
        // About 200 commands a second, a busy plant: a writer that never lets go would starve every other
        // process of SQLite's one write lock, which no real line does.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    // The backup runs in a process of its own, as `bastion backup run` from cron would beside a serving Bastion.
    const child = await execFileAsync(process.execPath, [BIN, 'backup', 'run'], {
      cwd: t.dataDir,
      env: { ...process.env, ...t.env },
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    const run = {
      code: 'code' in child && typeof child.code === 'number' ? child.code : 0,
      stdout: child.stdout,
      stderr: child.stderr,
      id: /backup (\S+) written/.exec(child.stdout)?.[1],
    };
    writing = false;
    await writer;
    expect(run.code, run.stderr).toBe(0);
    expect(written).toBeGreaterThan(0);
    const into = mkdtempSync(join(tmpdir(), 'bastion-restored-'));
    const databaseUrl = await freshDatabaseUrl();
    try {
      const restore = await cli(
        [
          'restore',
          run.id!,
          '--into',
          into,
          '--from',
          'offsite-s3',
          ...(databaseUrl !== undefined ? ['--database-url', databaseUrl] : []),
        ],
        t.env,
        t.dataDir,
      );
      expect(restore.code, restore.stdout + restore.stderr).toBe(0);
      expect(restore.stdout).not.toContain('FAIL');
      expect(restore.stdout).toMatch(/ok\s+integrity/);
      expect(restore.stdout).toMatch(/ok\s+row-counts: \d+ tables match/);
      expect(restore.stdout).toMatch(/ok\s+audit-log/);
    } finally {
      rmSync(into, { recursive: true, force: true });
      await dropDatabase(databaseUrl);
    }
  }, 180_000);
});
