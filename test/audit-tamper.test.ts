import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordHash } from '../src/modules/audit/record.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';
import { plainExec, rawAccess, type RawRecord } from './support/raw.js';
import { appendNotes } from './support/records.js';

// IEC 62443-3-3 SR 3.9 / SR 2.8, 21 CFR 11.10(e): the audit trail cannot be altered without detection.
describe(`audit log tamper detection (${testDialect})`, () => {
  let t: TestBastion;

  beforeEach(async () => {
    t = await createTestBastion({ BASTION_AUDIT_CHECKPOINT_EVERY: '5' });
    await appendNotes(t.bastion, 20); // with init's bootstrap record: 21 records, checkpoints at 1, 5, 10, 15, 20
    await t.bastion.close();
  });
  afterEach(() => t.destroy());

  async function tamper(change: (rows: RawRecord[]) => RawRecord[] | Promise<RawRecord[]>): Promise<void> {
    const raw = await rawAccess(t.env, t.dataDir);
    try {
      await raw.replaceRecords(await change(await raw.records()));
    } finally {
      await raw.close();
    }
  }

  async function expectCaught(firstBad: number, kind: string) {
    const run = await cli(['audit', 'verify'], t.env);
    expect(run.code).toBe(10);
    expect(run.stdout).toContain(`first bad record ${firstBad} `);
    expect(run.stdout).toContain(kind);
  }

  it('passes an untouched log', async () => {
    const run = await cli(['audit', 'verify'], t.env);
    expect(run.stdout).toContain('audit log OK: 21 records');
    expect(run.code).toBe(0);
  });

  it('refuses UPDATE and DELETE through an ordinary connection (append-only triggers)', async () => {
    await expect(plainExec(t.env, t.dataDir, "update audit_records set body = '{}' where seq = 3")).rejects.toThrow(
      /append-only/,
    );
    await expect(plainExec(t.env, t.dataDir, 'delete from audit_records where seq = 3')).rejects.toThrow(/append-only/);
    await expect(plainExec(t.env, t.dataDir, 'delete from audit_checkpoints')).rejects.toThrow(/append-only/);
    expect((await cli(['audit', 'verify'], t.env)).code).toBe(0);
  });

  it('catches a changed field', async () => {
    await tamper((rows) => rows.map((r) => (r.seq === 7 ? { ...r, body: r.body.replace('"n":5', '"n":6') } : r)));
    await expectCaught(7, 'changed-record');
  });

  it('catches a deleted record', async () => {
    await tamper((rows) => rows.filter((r) => r.seq !== 9));
    await expectCaught(9, 'missing-record');
  });

  it('catches an inserted record, even one with a correct chain hash', async () => {
    await tamper((rows) => {
      const before = rows[10]!; // seq 11
      const body = before.body.replace('"n":9', '"n":99').replace('"seq":11', '"seq":12');
      const forged = { seq: 12, body, hash: recordHash(before.hash, body) };
      const shifted = rows.slice(11).map((r) => ({ ...r, seq: r.seq + 1 }));
      return [...rows.slice(0, 11), forged, ...shifted];
    });
    await expectCaught(12, 'moved-record');
  });

  it('catches two records swapped', async () => {
    await tamper((rows) => {
      const [a, b] = [rows[13]!, rows[16]!]; // seq 14 and 17
      return rows.map((r) => (r.seq === 14 ? { ...b, seq: 14 } : r.seq === 17 ? { ...a, seq: 17 } : r));
    });
    await expectCaught(14, 'moved-record');
  });

  it('catches the last records cut off, against the witness checkpoint, even when the database checkpoints go too', async () => {
    await tamper((rows) => rows.filter((r) => r.seq <= 17));
    const raw = await rawAccess(t.env, t.dataDir);
    await raw.deleteCheckpointsAbove(15);
    await raw.close();
    await expectCaught(18, 'truncated');
  });

  it('catches a forged checkpoint in the database', async () => {
    const signed = readFileSync(join(t.dataDir, 'witness', 'checkpoint-000000000010.json'), 'utf8');
    const forged = signed.replace(/"rootHash":"(.)/, (_m, c: string) => `"rootHash":"${c === 'a' ? 'b' : 'a'}`);
    expect(forged).not.toBe(signed);
    const raw = await rawAccess(t.env, t.dataDir);
    await raw.setCheckpointBody(10, forged);
    await raw.close();
    const run = await cli(['audit', 'verify'], t.env);
    expect(run.code).toBe(10);
    expect(run.stdout).toContain('forged-checkpoint');
    expect(run.stdout).toContain('database (tree size 10)');
  });

  it('catches a forged witness checkpoint (one byte changed)', async () => {
    const dir = join(t.dataDir, 'witness');
    const file = join(
      dir,
      readdirSync(dir).find((n) => n.endsWith('000000000015.json'))!,
    );
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"treeSize":15', '"treeSize":16'));
    const run = await cli(['audit', 'verify', '--json'], t.env);
    expect(run.code).toBe(10);
    const report = JSON.parse(run.stdout) as { problems: { kind: string; treeSize?: number; origin?: string }[] };
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'forged-checkpoint', treeSize: 16 }));
  });
});
