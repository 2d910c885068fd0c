import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../src/kernel/actors.js';
import { buildHttpApp } from '../src/http/app.js';
import type { DomainEvent } from '../src/kernel/events.js';
import { listRecords } from '../src/modules/audit/queries.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { cli } from './support/cli.js';
import { makeUser, sessionOf } from './support/identity.js';
import { testDialect } from './support/database.js';

// Issue 10, item 10d: a witness that cannot be written is a security event, a degraded readiness and an
// audit record, and `audit verify` names every witness that lacks checkpoints.
describe(`audit witness failures (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let witnessRoot: string;
  let good: string;
  let broken: string;
  const events: DomainEvent[] = [];

  /** A command and a checkpoint over it: what makes Bastion write to its witnesses. */
  const checkpoint = async () => {
    await t.bastion.pipeline.execute('system.stop', { reason: 'test' }, SYSTEM_ACTOR, SYSTEM_ORIGIN);
    await t.bastion.audit.checkpointNow();
  };
  const readyz = async () => {
    const response = await app.inject({ url: '/readyz' });
    return { status: response.statusCode, body: response.json<{ status: string; reasons?: string[] }>() };
  };
  const witnessRecords = async () =>
    (await listRecords(t.bastion.storage, { action: 'audit.witness.report', limit: 100 })).map((r) => ({
      witness: r.record.target?.id,
      state: (r.record.details as { state?: string } | undefined)?.state,
    }));

  beforeEach(async () => {
    witnessRoot = mkdtempSync(join(tmpdir(), 'bastion-witness-'));
    good = join(witnessRoot, 'good');
    broken = join(witnessRoot, 'broken');
    // A file where the directory should be: as root, no file mode makes a directory unwritable.
    writeFileSync(broken, 'not a directory');
    t = await createTestBastion({ BASTION_AUDIT_WITNESS_DIRS: `${good},${broken}` });
    app = await buildHttpApp(t.bastion);
    events.length = 0;
    t.bastion.events.subscribe('*', (event) => void events.push(event));
  });
  afterEach(async () => {
    await app.close();
    await t.destroy();
    rmSync(witnessRoot, { recursive: true, force: true });
  });

  it('makes a failed witness write a security event, an audit record and a degraded /readyz (200), once, until it recovers', async () => {
    expect(await readyz()).toEqual({ status: 200, body: { status: 'ready' } });
    const before = (await witnessRecords()).length; // `init` met the broken witness too
    await checkpoint();
    await checkpoint(); // still broken: no second event or record

    const failed = events.filter((e) => e.type === 'audit.witness-failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.payload).toMatchObject({ witness: `witness:${broken}`, reason: expect.any(String) });
    const degraded = await readyz();
    expect(degraded.status).toBe(200);
    expect(degraded.body.status).toBe('degraded');
    expect(degraded.body.reasons).toEqual([expect.stringContaining('an audit witness cannot keep checkpoints')]);
    expect(JSON.stringify(degraded.body)).not.toContain(witnessRoot); // /readyz is public: no paths
    expect((await witnessRecords()).slice(before)).toEqual([{ witness: `witness:${broken}`, state: 'failed' }]);

    rmSync(broken);
    await checkpoint();
    expect(events.filter((e) => e.type === 'audit.witness-recovered')).toHaveLength(1);
    expect(await readyz()).toEqual({ status: 200, body: { status: 'ready' } });
    expect((await witnessRecords()).slice(before)).toEqual([
      { witness: `witness:${broken}`, state: 'failed' },
      { witness: `witness:${broken}`, state: 'recovered' },
    ]);
  });

  it('`audit verify` names each witness that lacks checkpoints and exits with 11; so does GET /api/audit/verification', async () => {
    await checkpoint();
    const auditor = await sessionOf(
      app,
      await makeUser(t.bastion, app, { username: 'aude', roles: [{ role: 'auditor' }] }),
    );
    const http = await app.inject({ url: '/api/audit/verification', headers: auditor.headers });
    expect(http.statusCode).toBe(200);
    const body = http.json<{
      ok: boolean;
      witnessesComplete: boolean;
      witnesses: { witness: string; held: number; missing: number[] }[];
    }>();
    expect(body).toMatchObject({ ok: true, witnessesComplete: false });
    expect(body.witnesses.map((w) => [w.witness, w.held > 0, w.missing.length > 0])).toEqual([
      [`witness:${good}`, true, false],
      [`witness:${broken}`, false, true],
    ]);
    const run = await cli(['audit', 'verify'], t.env);
    expect(run.code).toBe(11);
    expect(run.stdout).toContain('audit log OK');
    expect(run.stdout).toMatch(new RegExp(`witness INCOMPLETE: witness:${broken} lacks \\d+ checkpoints`));
    expect(run.stdout).not.toContain(`witness:${good} lacks`);

    rmSync(broken);
    for (const file of readdirSync(good)) rmSync(join(good, file)); // a witness emptied: holds none at all
    const emptied = await cli(['audit', 'verify', '--json'], t.env);
    expect(emptied.code).toBe(11);
    const report = JSON.parse(emptied.stdout) as { witnesses: { witness: string; held: number; missing: number[] }[] };
    expect(report.witnesses.map((w) => [w.witness, w.held, w.missing.length > 0])).toEqual([
      [`witness:${good}`, 0, true],
      [`witness:${broken}`, 0, true],
    ]);
  });
});
