import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/kernel/config/load.js';
import { listRecords } from '../src/modules/audit/queries.js';
import { openStorage } from '../src/storage/open.js';
import { testEnvironment } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { eventually, freePort } from './support/eventually.js';
import { NEW_ADMIN_PASSWORD, totpNow } from './support/http.js';
import { exitOf, killIfRunning, requireBuiltCli, serveProcess } from './support/serve-process.js';

/** `bastion serve --demo` in a child process, resolved once its demo machines run. */
const serveDemo = (env: Record<string, string>) =>
  serveProcess(env, {
    args: ['serve', '--demo'],
    readyWhen: 'Demo machines of the rim line publish',
    timeoutMs: 60_000,
    stdin: 'ignore',
  });

/** A JSON request over real HTTPS, trusting the data directory's certificate. */
function https(
  port: number,
  ca: Buffer,
  method: string,
  path: string,
  body?: object,
  token?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const payload = body ? JSON.stringify(body) : undefined;
    const headers: Record<string, string> = payload !== undefined ? { 'content-type': 'application/json' } : {};
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const req = request({ host: '127.0.0.1', port, path, method, ca, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, json: text ? (JSON.parse(text) as never) : {} }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

// Issue 10, item 15: after the demo device's secret is rotated, `serve --demo` still stops on SIGTERM.
describe(`serve --demo shutdown (${testDialect})`, () => {
  let env: Record<string, string>;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    requireBuiltCli();
    ({ env, dataDir, cleanup } = await testEnvironment());
    env.BASTION_PORT = String(await freePort());
  });
  afterEach(async () => {
    killIfRunning(child);
    await cleanup();
  });

  it('exits by itself on SIGTERM after the demo device secret was rotated over HTTPS, and records system.stop', async () => {
    const served = await serveDemo(env);
    child = served.child;
    const port = Number(env.BASTION_PORT);
    const ca = readFileSync(join(dataDir, 'tls', 'server.crt'));
    const [, username, password] = /^ {2}(\S+) +security-officer +([A-Za-z0-9]{20})$/m.exec(served.output())!;
    // The security officer's first login, as the web page would: new password, then the second factor.
    const first = await https(port, ca, 'POST', '/api/auth/login', { username, password });
    const token = String(first.json.token);
    const changed = await https(
      port,
      ca,
      'POST',
      '/api/auth/password',
      {
        currentPassword: password,
        newPassword: NEW_ADMIN_PASSWORD,
      },
      token,
    );
    expect(changed.status).toBe(200);
    const { secret } = (await https(port, ca, 'POST', '/api/auth/mfa/enrol', {}, token)).json as { secret: string };
    expect((await https(port, ca, 'POST', '/api/auth/mfa/confirm', { code: totpNow(secret) }, token)).status).toBe(200);
    const rotated = await https(port, ca, 'POST', '/api/ingest/devices/rim-line-edge/rotate', {}, token);
    expect(rotated.status).toBe(200);

    // The simulator, cut off, is refused with the old secret (mqtt.js then stops retrying); the report it
    // makes next (every 2 s) waits for acknowledgements that cannot come.
    const storage = openStorage(loadConfig({ env, cwd: dataDir }));
    try {
      const refusal = () =>
        storage.db
          .selectFrom('ingest_security_events')
          .select('at')
          .where('kind', '=', 'bad-credentials')
          .where('username', '=', 'rim-line-edge')
          .executeTakeFirst();
      const refused = await eventually(refusal, (row) => row !== undefined, 30_000);
      expect(refused).toBeDefined();
      const reportDue = Number(refused!.at) + 3000;
      await eventually(
        () => Date.now(),
        (now) => now > reportDue,
      );
      expect(child.exitCode).toBeNull();

      const exited = exitOf(child);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(served.output()).toContain('Bastion stopped.');
      const stops = await listRecords(storage, { action: 'system.stop', limit: 10 });
      expect(stops.map((r) => r.record.details)).toEqual([{ reason: 'signal SIGTERM' }]);
    } finally {
      await storage.close();
    }
  }, 120_000);
});
