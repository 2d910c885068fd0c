import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RIM_LINE } from '../src/app/demo/plant.js';
import { testEnvironment } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { eventually, freePort } from './support/eventually.js';
import { killIfRunning, requireBuiltCli, serveProcess } from './support/serve-process.js';

/** Where each simulated machine of the demo's rim line stands in the plant. */
const MACHINES = {
  'press-1': `${RIM_LINE}/extrude/press-1`,
  'roller-1': `${RIM_LINE}/roll-weld/roller-1`,
  'welder-1': `${RIM_LINE}/roll-weld/welder-1`,
  'cnc-1': `${RIM_LINE}/drill/cnc-1`,
};

interface Oee {
  availability: number | null;
  performance: number | null;
  quality: number;
  oee: number | null;
  total: number;
  unratedParts: number;
}

/** A JSON request over real HTTPS to the served process, trusting its data directory's certificate. */
function https<T>(port: number, ca: Buffer, method: string, path: string, body?: object, token?: string) {
  return new Promise<{ status: number; json: T }>((resolve, reject) => {
    const payload = body ? JSON.stringify(body) : undefined;
    const headers: Record<string, string> = payload !== undefined ? { 'content-type': 'application/json' } : {};
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const req = request({ host: '127.0.0.1', port, path, method, ca, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, json: (text ? JSON.parse(text) : {}) as T }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

// Issue 12, item 1: `npm start` (`bastion serve --demo`) shows a line that moves within two minutes.
describe(`the demo's simulated rim line, served as npm start serves it (${testDialect})`, () => {
  let cleanup: () => Promise<void>;
  let child: ChildProcess | undefined;
  let started: number;
  let get: <T>(path: string) => Promise<{ status: number; json: T }>;

  beforeAll(async () => {
    requireBuiltCli();
    const test = await testEnvironment();
    cleanup = test.cleanup;
    const env = { ...test.env, BASTION_PORT: String(await freePort()) };
    started = Date.now();
    const served = await serveProcess(env, {
      args: ['serve', '--demo'],
      readyWhen: 'Demo machines of the rim line publish',
      timeoutMs: 60_000,
      stdin: 'ignore',
      spawned: (c) => (child = c),
    });
    const port = Number(env.BASTION_PORT);
    const ca = readFileSync(join(test.dataDir, 'tls', 'server.crt'));
    const [, username, password] = /^ {2}(\S+) +supervisor +([A-Za-z0-9]{20})$/m.exec(served.output())!;
    const first = await https<{ token: string }>(port, ca, 'POST', '/api/auth/login', { username, password });
    const token = first.json.token;
    const newPassword = 'the rim line hums at dawn 12';
    const changed = await https(
      port,
      ca,
      'POST',
      '/api/auth/password',
      { currentPassword: password, newPassword },
      token,
    );
    expect(changed.status).toBe(200);
    get = <T>(path: string) => https<T>(port, ca, 'GET', path, undefined, token);
  }, 90_000);
  afterAll(async () => {
    killIfRunning(child);
    await cleanup?.();
  });

  const window = (equipment: string) =>
    new URLSearchParams({
      equipment,
      from: new Date(started).toISOString(),
      to: new Date().toISOString(),
    }).toString();

  it('within two minutes of the start every machine shows non-zero availability, performance and quality, and the Pareto shows reasons', async () => {
    const deadline = started + 120_000;
    const oeeOf = async () => {
      const figures: Record<string, Oee> = {};
      for (const [name, path] of Object.entries(MACHINES))
        figures[name] = (await get<Oee>(`/api/performance/oee?${window(path)}`)).json;
      return figures;
    };
    const moving = (o: Oee) =>
      (o.availability ?? 0) > 0 && (o.performance ?? 0) > 0 && o.quality > 0 && (o.oee ?? 0) > 0;
    const figures = await eventually(oeeOf, (f) => Object.values(f).every(moving), deadline - Date.now());
    for (const [name, o] of Object.entries(figures)) {
      expect(o.unratedParts, `${name}: parts without an ideal cycle time`).toBe(0);
      expect(moving(o), `${name}: ${JSON.stringify(o)}`).toBe(true);
    }
    const pareto = await eventually(
      async () =>
        (await get<{ reasons: { reason: string; minutes: number }[] }>(`/api/performance/downtime?${window(RIM_LINE)}`))
          .json,
      (d) => d.reasons.length > 0,
      Math.max(0, deadline - Date.now()),
    );
    expect(pareto.reasons.length).toBeGreaterThan(0);
    expect(pareto.reasons.every((r) => r.minutes > 0)).toBe(true);
    expect(Date.now() - started).toBeLessThanOrEqual(120_000);
    const summary = Object.entries(figures).map(
      ([name, o]) =>
        `${name}: A ${(o.availability! * 100).toFixed(0)} % P ${(o.performance! * 100).toFixed(0)} % ` +
        `Q ${(o.quality * 100).toFixed(0)} % OEE ${(o.oee! * 100).toFixed(0)} % (${o.total} parts)`,
    );
    console.log(`demo line after ${Math.round((Date.now() - started) / 1000)} s:\n  ${summary.join('\n  ')}`);
  }, 150_000);
});
