import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMonitoring, type RunningMonitoring } from '../src/app/monitoring.js';
import { SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../src/kernel/actors.js';
import { ageIdentity, writeBackupConfig } from './support/backup.js';
import type { TestBastion } from './support/bastion.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';
import { eventually } from './support/eventually.js';
import { adminSession, httpTestBastion, type Session } from './support/http.js';
import { rawAccess } from './support/raw.js';
import { appendNotes } from './support/records.js';

interface Alert {
  rule: string;
  groupKey: string;
  severity: string;
}

/** A Bastion with its HTTP app, monitoring and an administrator, torn down together. */
function watched(env: () => Record<string, string>) {
  const s = {} as { t: TestBastion; app: FastifyInstance; admin: Session; monitoring: RunningMonitoring };
  beforeAll(async () => {
    ({ t: s.t, app: s.app } = await httpTestBastion(env()));
    s.admin = await adminSession(s.app, s.t);
    s.monitoring = await startMonitoring(s.t.bastion, s.t.logger);
  });
  afterAll(async () => {
    await s.monitoring.stop();
    await s.app.close();
    await s.t.destroy();
  });
  const alerts = async (rule: string) => {
    await s.monitoring.settled();
    const page = await s.app.inject({ url: '/api/security/alerts', headers: s.admin.headers });
    return page.json<{ items: Alert[] }>().items.filter((a) => a.rule === rule);
  };
  // The CLI is another process's worth of Bastion: its events reach the detector at its next poll.
  const raised = (rule: string) =>
    eventually(
      () => alerts(rule),
      (found) => found.length > 0,
    );
  return { s, alerts, raised };
}

// audit-integrity and backup-failure fed by the CLI and the audit witnesses (issue 16).
describe(`audit-integrity on a verified log (${testDialect})`, () => {
  const { s, alerts, raised } = watched(() => ({ BASTION_AUDIT_CHECKPOINT_EVERY: '5' }));

  it('audit-integrity: `bastion audit verify` passing an untouched log raises nothing', async () => {
    await appendNotes(s.t.bastion, 20);
    const run = await cli(['audit', 'verify'], s.t.env);
    expect([run.code, run.stdout]).toEqual([0, expect.stringContaining('audit log OK')]);
    expect(await alerts('audit-integrity')).toEqual([]);
  });

  it('audit-integrity: `bastion audit verify` finding a record changed in the database raises a critical alert', async () => {
    const raw = await rawAccess(s.t.env, s.t.dataDir);
    try {
      const rows = await raw.records();
      const victim = rows.find((r) => r.body.includes('"n":5'))!;
      await raw.replaceRecords(rows.map((r) => (r === victim ? { ...r, body: r.body.replace('"n":5', '"n":6') } : r)));
    } finally {
      await raw.close();
    }
    const run = await cli(['audit', 'verify'], s.t.env);
    expect([run.code, run.stdout]).toEqual([10, expect.stringContaining('audit log INVALID')]);
    const [alert] = await raised('audit-integrity');
    expect(alert).toMatchObject({ severity: 'critical', groupKey: 'kind=audit.verification-failed' });
  });
});

describe(`audit-integrity on an unwitnessed log (${testDialect})`, () => {
  const root = mkdtempSync(join(tmpdir(), 'bastion-rules-witness-'));
  // A file where the witness directory should be: as root, no file mode makes a directory unwritable.
  writeFileSync(join(root, 'broken'), 'not a directory');
  const { s, raised } = watched(() => ({ BASTION_AUDIT_WITNESS_DIRS: join(root, 'broken') }));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('audit-integrity: a checkpoint its witness cannot keep raises a critical alert', async () => {
    await s.t.bastion.pipeline.execute('system.stop', { reason: 'test' }, SYSTEM_ACTOR, SYSTEM_ORIGIN);
    await s.t.bastion.audit.checkpointNow();
    const [alert] = await raised('audit-integrity');
    expect(alert).toMatchObject({ severity: 'critical', groupKey: 'kind=audit.unwitnessed' });
  });
});

describe(`backup-failure (${testDialect})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-rules-backup-'));
  const identity = ageIdentity(join(dir, 'offline'));
  const config = (localPath: string) => writeBackupConfig({ dir, identity, localPath, quorum: 1 });
  const file = config(join(dir, 'backups'));
  const { s, alerts, raised } = watched(() => ({ BASTION_CONFIG: file }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('backup-failure: a backup that reaches its destination and a drill of it that passes raise nothing', async () => {
    const run = await cli(['backup', 'run'], s.t.env, s.t.dataDir);
    expect(run.code, run.stderr).toBe(0);
    const drill = await cli(['backup', 'drill'], s.t.env, s.t.dataDir);
    expect(drill.code, drill.stderr).toBe(0);
    expect(await alerts('backup-failure')).toEqual([]);
  }, 120_000);

  it('backup-failure: a restore drill of a damaged backup raises a high alert', async () => {
    const stored = join(dir, 'backups', 'backups');
    const part = join(stored, readdirSync(stored).sort().at(-1)!, 'files.age');
    const bytes = readFileSync(part);
    const at = bytes.length >> 1;
    bytes[at] = bytes[at]! ^ 0x01; // one flipped bit, as a failing disk would leave it
    writeFileSync(part, bytes);
    const drill = await cli(['backup', 'drill'], s.t.env, s.t.dataDir);
    expect(drill.code).not.toBe(0);
    const found = await raised('backup-failure');
    expect(found.find((a) => a.groupKey.includes('drill'))).toMatchObject({ severity: 'high' });
  }, 120_000);

  it('backup-failure: a backup whose only destination cannot be written raises a high alert', async () => {
    writeFileSync(join(dir, 'not-a-directory'), 'a file where the backups should go');
    config(join(dir, 'not-a-directory', 'backups'));
    const run = await cli(['backup', 'run'], s.t.env, s.t.dataDir);
    expect(run.code).toBe(1);
    const found = await eventually(
      () => alerts('backup-failure'),
      (all) => all.some((a) => !a.groupKey.includes('drill')),
    );
    expect(found.find((a) => !a.groupKey.includes('drill'))).toMatchObject({ severity: 'high' });
  }, 60_000);
});
