import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupHostOf } from '../src/app/backup-host.js';
import { startMonitoring, type RunningMonitoring } from '../src/app/monitoring.js';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { backupJobCommands, BackupService } from '../src/modules/backup/index.js';
import { ageIdentity, writeBackupConfig } from './support/backup.js';
import { until } from './support/eventually.js';
import { adminSession, httpTestBastion, type Session } from './support/http.js';
import type { TestBastion } from './support/bastion.js';
import { makeUser, sessionOf } from './support/identity.js';
import { seedPlant } from './support/plant.js';

const DAY = 86_400_000;

interface Posture {
  alerts: { open: Record<string, number>; acknowledged: number };
  openIncidents: number;
  audit: { records: number; lastVerification: { at: string; ok: boolean } | null; lastCheckpoint: unknown };
  backup: { lastBackup: { at: string; ok: boolean } | null; lastDrill: { at: string; ok: boolean } | null };
  quarantinedDevices: number;
  mfa: { privilegedAccounts: number; enrolled: number };
  expiringAccounts: { withinDays: number; count: number };
  notifiers: { notifier: string; undelivered: number }[];
}

describe('the security posture API', () => {
  let dir: string;
  let t: TestBastion;
  let app: FastifyInstance;
  let monitoring: RunningMonitoring;
  let service: BackupService;
  let admin: Session;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bastion-posture-'));
    const config = writeBackupConfig({ dir, identity: ageIdentity(join(dir, 'offline')), localPath: join(dir, 'b') });
    ({ t, app } = await httpTestBastion({ BASTION_CONFIG: config }));
    monitoring = await startMonitoring(t.bastion, t.logger);
    // As `bastion serve` wires it: backup and drill jobs requested over the API run after their commit.
    service = new BackupService(backupHostOf(t.bastion), backupJobCommands(t.config));
    service.start();
    admin = await adminSession(app, t);
  }, 60_000);
  afterAll(async () => {
    await service.stop();
    await monitoring.stop();
    await app.close();
    await t.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (name: string, input: object) => t.bastion.pipeline.execute(name, input, CONSOLE_ACTOR, CLI_ORIGIN);
  const posture = async (session: Session = admin) => {
    const response = await app.inject({ method: 'GET', url: '/api/security/posture', headers: session.headers });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Posture>();
  };
  const job = async (url: string, payload: object) => {
    const started = await app.inject({ method: 'POST', url, headers: admin.headers, payload });
    expect(started.statusCode, started.body).toBe(200);
    const id = started.json<{ jobId: string }>().jobId;
    return until(async () => {
      const body = (await app.inject({ url: `/api/backups/jobs/${id}`, headers: admin.headers })).json<{
        status: string;
      }>();
      return body.status === 'running' ? undefined : body;
    }, `job ${id} to end`);
  };

  it('starts with nothing to report but the enrolled administrator and the audit log', async () => {
    const first = await posture();
    expect(first).toMatchObject({
      alerts: { open: { low: 0, medium: 0, high: 0, critical: 0 }, acknowledged: 0 },
      openIncidents: 0,
      audit: { lastVerification: null },
      backup: { lastBackup: null, lastDrill: null },
      quarantinedDevices: 0,
      mfa: { privilegedAccounts: 1, enrolled: 1 },
      expiringAccounts: { withinDays: 14, count: 0 },
      notifiers: [],
    });
    expect(first.audit.records).toBeGreaterThan(0);
  });

  it('counts a quarantined device, a privileged account without MFA, an expiring vendor, and the brute-force and privileged-grant alerts as open high ones', async () => {
    // Vendors log in below (makeUser): their access window is opened round the clock, so that this test's alerts
    // do not depend on the hour it runs at (vendor-outside-window has tests of its own).
    const always = { windows: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }] };
    const tuned = await app.inject({
      method: 'POST',
      url: '/api/security/rules/vendor-outside-window',
      headers: admin.headers,
      payload: { params: always },
    });
    expect(tuned.statusCode, tuned.body).toBe(200);
    await seedPlant(t.bastion);
    const equipment = '/site-1/area-1/line-1';
    for (const name of ['press-1', 'press-2'])
      await run('ingest.device.register', { name, equipment, groupId: 'plant', edgeNodeId: name });
    await run('ingest.device.quarantine', { name: 'press-1', reason: 'sends from a new address' });
    await makeUser(t.bastion, app, { username: 'petra', roles: [{ role: 'process-engineer' }] });
    const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();
    await makeUser(t.bastion, app, { username: 'vince', vendor: true, expiresAt: inDays(5) });
    await makeUser(t.bastion, app, { username: 'vera', vendor: true, expiresAt: inDays(30) });
    for (let i = 0; i < 5; i += 1)
      await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'admin', password: 'wrong one 1' },
      });
    await monitoring.settled();
    const raised = (await app.inject({ url: '/api/security/alerts', headers: admin.headers })).json<{
      items: { rule: string; severity: string }[];
    }>().items;
    // The grant of process-engineer (a privileged role) raises its own alert besides the brute force.
    expect(raised.map((a) => `${a.rule}:${a.severity}`).sort()).toEqual(['brute-force:high', 'privileged-grant:high']);
    expect(await posture()).toMatchObject({
      alerts: { open: { low: 0, medium: 0, high: 2, critical: 0 }, acknowledged: 0 },
      quarantinedDevices: 1,
      mfa: { privilegedAccounts: 2, enrolled: 1 },
      expiringAccounts: { count: 1 },
    });
  });

  it('reports the last audit verification, backup and restore drill with their outcome and time', async () => {
    const verified = await app.inject({ url: '/api/audit/verification', headers: admin.headers });
    expect(verified.json<{ ok: boolean }>().ok).toBe(true);
    expect((await job('/api/backups', {})).status).toBe('succeeded');
    expect((await job('/api/backups/drills', { destination: 'local' })).status).toBe('succeeded');
    await monitoring.settled();
    const { audit, backup } = await posture();
    expect(audit.lastVerification).toMatchObject({ ok: true });
    expect(backup.lastBackup).toMatchObject({ ok: true });
    expect(backup.lastDrill).toMatchObject({ ok: true });
    for (const at of [audit.lastVerification!.at, backup.lastBackup!.at, backup.lastDrill!.at])
      expect(Date.now() - Date.parse(at)).toBeLessThan(60_000);
  });

  it('refuses the posture to an operator (403) and to a caller without a session (401)', async () => {
    const operator = await makeUser(t.bastion, app, { username: 'otto', roles: [{ role: 'operator' }] });
    const refused = await app.inject({
      url: '/api/security/posture',
      headers: (await sessionOf(app, operator)).headers,
    });
    expect(refused.statusCode).toBe(403);
    expect((await app.inject({ url: '/api/security/posture' })).statusCode).toBe(401);
  });
});
