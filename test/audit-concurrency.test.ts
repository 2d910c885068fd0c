import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEnvironment } from './support/bastion.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';
import { listRecords } from '../src/modules/audit/queries.js';
import { openStorage } from '../src/storage/open.js';
import { loadConfig } from '../src/kernel/config/load.js';

const writerScript = join(import.meta.dirname, 'support', 'audit-writer.ts');

function runWriter(env: Record<string, string>, writer: string, count: number, startAt: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writerScript, writer, String(count), String(startAt)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    child.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`writer ${writer} exited ${code}: ${errors}`)),
    );
  });
}

describe(`audit log with two writer processes (${testDialect})`, () => {
  let env: Record<string, string>;
  let dataDir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ env, dataDir, cleanup } = await testEnvironment({ BASTION_AUDIT_CHECKPOINT_EVERY: '25' }));
    expect((await cli(['init'], env)).code).toBe(0);
  });
  afterEach(() => cleanup());

  it('keeps the chain linear and gap-free while both append at once', async () => {
    const perWriter = 150;
    // Both processes start writing at the same moment, late enough for a slow start on a loaded machine.
    const startAt = Date.now() + 6000;
    await Promise.all([runWriter(env, 'A', perWriter, startAt), runWriter(env, 'B', perWriter, startAt)]);

    const storage = openStorage(loadConfig({ env, cwd: dataDir }));
    let writers: string[];
    try {
      const records = await listRecords(storage, { limit: 1000 });
      expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 1 + 2 * perWriter }, (_, i) => i + 1));
      writers = records.slice(1).map((r) => String(r.record.details?.writer));
    } finally {
      await storage.close();
    }
    expect(writers.filter((w) => w === 'A')).toHaveLength(perWriter);
    const switches = writers.filter((w, i) => i > 0 && w !== writers[i - 1]).length;
    // PostgreSQL interleaves the two writers record by record; SQLite's busy handler tends to let one
    // writer finish a burst first, so there only the hand-over is certain.
    expect(switches).toBeGreaterThanOrEqual(testDialect === 'postgres' ? 2 : 1);
    const verify = await cli(['audit', 'verify'], env);
    expect(verify.stdout).toContain(`audit log OK: ${1 + 2 * perWriter} records`);
    expect(verify.code).toBe(0);
  });
});
