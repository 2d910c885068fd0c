import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listRecords } from '../src/modules/audit/queries.js';
import { openStorage } from '../src/storage/open.js';
import { loadConfig } from '../src/kernel/config/load.js';
import { testEnvironment } from './support/bastion.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';
import { eventually } from './support/eventually.js';
import { appendNotes } from './support/records.js';
import { initialize } from '../src/app/init.js';
import { startServer } from '../src/app/serve.js';
import { createLogger } from '../src/kernel/logger.js';
import { latestCheckpoint, readHead } from '../src/modules/audit/store.js';

const bin = join(import.meta.dirname, '..', 'dist', 'cli', 'bin.js');

function startServe(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [bin, 'serve'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${output}`)), 30_000);
    child.stdout.on('data', () => {
      if (output.includes('Bastion is serving')) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

function getTls(port: number, path: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, ca }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe(`bastion serve (${testDialect})`, () => {
  let env: Record<string, string>;
  let dataDir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ env, dataDir, cleanup } = await testEnvironment());
    env.BASTION_PORT = String(20_000 + Math.floor(Math.random() * 30_000));
  });
  afterEach(() => cleanup());

  it('initialises an empty directory, serves HTTPS with its own certificate, and records start, stop and config changes', async () => {
    const first = await startServe(env);
    expect(first.output()).toContain('One-time password');
    const ca = readFileSync(join(dataDir, 'tls', 'server.crt'));
    const port = Number(env.BASTION_PORT);
    expect(await getTls(port, '/healthz', ca)).toEqual({ status: 200, body: '{"status":"ok"}' });
    // Plain HTTP is not served unless asked for.
    const plain = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/healthz' }, (res) => resolve(String(res.statusCode)));
      req.on('error', (e) => resolve(e.message));
      req.end();
    });
    expect(plain).not.toBe('200');
    expect(await stop(first.child)).toBe(0);

    const second = await startServe({ ...env, BASTION_HTTP_RATE_LIMIT: '1234' });
    expect(second.output()).not.toContain('One-time password');
    expect(await stop(second.child)).toBe(0);

    const verify = await cli(['audit', 'verify'], env);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('0 records after it'); // the stop signed a checkpoint over everything
    const storage = openStorage(loadConfig({ env, cwd: dataDir }));
    try {
      const records = await listRecords(storage, { limit: 100 });
      expect(records.map((r) => r.record.action)).toEqual([
        'identity.bootstrap',
        'system.start',
        'system.stop',
        'system.start',
        'system.stop',
      ]);
      expect(records[1]!.record.details).toMatchObject({ configChanged: [] });
      expect(records[3]!.record.details).toMatchObject({ configChanged: ['http.rateLimitMax'] });
      expect(JSON.stringify(records)).not.toMatch(/postgres:\/\/[^"]*:[^"@]*@/); // no database password
    } finally {
      await storage.close();
    }
  });
});

describe(`periodic checkpoints (${testDialect})`, () => {
  it('signs a checkpoint every audit.checkpointSeconds when records were added', async () => {
    const { env, dataDir, cleanup } = await testEnvironment({
      BASTION_AUDIT_CHECKPOINT_SECONDS: '1',
      BASTION_HTTP_PLAIN: 'true',
    });
    env.BASTION_PORT = String(20_000 + Math.floor(Math.random() * 30_000));
    const config = loadConfig({ env, cwd: dataDir });
    const logger = createLogger('silent');
    await initialize(config, logger);
    const server = await startServer(config, logger);
    try {
      const head = async () => (await readHead(server.bastion.storage.db))!.seq;
      const signed = async () => (await latestCheckpoint(server.bastion.storage.db))?.treeSize ?? 0;
      await appendNotes(server.bastion, 3);
      const size = await head();
      expect(await signed()).toBeLessThan(size);
      expect(await eventually(signed, (n) => n >= size, 5000)).toBe(size);
    } finally {
      await server.stop('test');
      await cleanup();
    }
  });
});
