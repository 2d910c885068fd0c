import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startMonitoring, type RunningMonitoring } from '../src/app/monitoring.js';
import type { AlertView, IncidentView } from '../src/modules/monitoring/index.js';
import type { TestBastion } from './support/bastion.js';
import { cli, type CliRun } from './support/cli.js';
import { testDialect } from './support/database.js';
import { adminSession, httpTestBastion } from './support/http.js';

/** A refusal is one line on stderr and a non-zero exit code. */
function expectRefused(run: CliRun, mentions: RegExp): void {
  expect(run.code).not.toBe(0);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(mentions);
}

describe(`bastion alerts and incidents (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let monitoring: RunningMonitoring;

  beforeEach(async () => {
    ({ t, app } = await httpTestBastion());
    monitoring = await startMonitoring(t.bastion, t.logger);
    await adminSession(app, t);
    for (let i = 0; i < 5; i += 1)
      await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'wrong 1' } });
    await monitoring.settled();
  });
  afterEach(async () => {
    await monitoring.stop();
    await app.close();
    await t.destroy();
  });

  const ok = async (args: string[]) => {
    const run = await cli(args, t.env, t.dataDir);
    expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
    return run;
  };
  const openAlerts = async () =>
    (JSON.parse((await ok(['alerts', 'list', '--state', 'open', '--json'])).stdout) as { alerts: AlertView[] }).alerts;

  it('lists the brute-force alert in a table and as JSON, and acknowledges it with a note', async () => {
    const [alert] = (await openAlerts()).filter((a) => a.rule === 'brute-force');
    expect(alert).toBeDefined();
    const table = (await ok(['alerts', 'list'])).stdout.split('\n');
    expect(table[0]).toMatch(/^ID\s+SEVERITY\s+STATE\s+RULE\s+COUNT\s+LAST SEEN\s+TITLE$/);
    expect(table.find((l) => l.startsWith(alert!.id))).toMatch(/high\s+open\s+brute-force/);
    expect((await ok(['alerts', 'ack', alert!.id, '--note', 'on it'])).stdout).toMatch(/^Acknowledged alert/);
    expect((await openAlerts()).map((a) => a.id)).not.toContain(alert!.id);
    const acknowledged = JSON.parse((await ok(['alerts', 'list', '--state', 'acknowledged', '--json'])).stdout) as {
      alerts: AlertView[];
    };
    expect(acknowledged.alerts.find((a) => a.id === alert!.id)).toMatchObject({
      note: 'on it',
      acknowledgedBy: expect.any(String) as string,
    });
  });

  it('opens an incident from the alert with a playbook, shows its checklist and timeline, and closes it by number', async () => {
    const [alert] = (await openAlerts()).filter((a) => a.rule === 'brute-force');
    const opened = await ok([
      'incidents',
      'open',
      '--title',
      'Guessing on admin',
      '--severity',
      'high',
      '--playbook',
      'compromised-account',
      '--alert',
      alert!.id,
    ]);
    expect(opened.stdout).toMatch(/^Opened INC-0001 /);
    const shown = (await ok(['incidents', 'show', 'INC-0001'])).stdout;
    expect(shown).toMatch(/INC-0001 {2}Guessing on admin/);
    expect(shown).toMatch(/Checklist:\n {2}\[ \] 1\. Revoke the account's sessions/);
    expect(shown).toMatch(/Timeline:\n {2}AT\s+KIND\s+ACTOR\s+TEXT/);
    expect(shown).toContain(`Alert linked: `);
    const list = (await ok(['incidents', 'list'])).stdout;
    expect(list).toMatch(/INC-0001\s+high\s+open\s+-\s+0\/4/);
    expectRefused(await cli(['incidents', 'close', 'INC-0001', '--lessons', 'MFA'], t.env, t.dataDir), /root-cause/);
    const closed = await ok(['incidents', 'close', 'INC-0001', '--root-cause', 'Weak password', '--lessons', 'MFA']);
    expect(closed.stdout).toMatch(/^Closed INC-0001 with 4 playbook step\(s\) not done/);
    const json = JSON.parse((await ok(['incidents', 'show', 'INC-0001', '--json'])).stdout) as IncidentView;
    expect(json).toMatchObject({ state: 'closed', rootCause: 'Weak password', lessons: 'MFA' });
    expect(json.alerts).toEqual([expect.objectContaining({ id: alert!.id, state: 'closed' })]);
    expect(
      (JSON.parse((await ok(['incidents', 'list', '--state', 'open', '--json'])).stdout) as { incidents: [] })
        .incidents,
    ).toEqual([]);
  });

  it('refuses a bad severity, an unknown incident and a bad alert id with one line on stderr and exit code ≠ 0', async () => {
    expectRefused(
      await cli(['incidents', 'open', '--title', 'X', '--severity', 'urgent'], t.env, t.dataDir),
      /severity/,
    );
    expectRefused(await cli(['incidents', 'show', 'INC-0042'], t.env, t.dataDir), /No incident INC-0042/);
    expectRefused(await cli(['alerts', 'ack', 'not-an-id'], t.env, t.dataDir), /id/);
  });
});
