import type { ChildProcess } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../src/http/app.js';
import { createLogger } from '../src/kernel/logger.js';
import { createTestBastion, LogCapture, testEnvironment, type TestBastion } from './support/bastion.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';
import { eventually, freePort } from './support/eventually.js';
import { exitOf, killIfRunning, requireBuiltCli, serveProcess } from './support/serve-process.js';

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  req?: { url: string };
}

const INFO = 30;
const DEBUG = 20;

// Issue 12, item 10: a load balancer asking /healthz every few seconds filled the log at info.
describe(`request logs of the health probes (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance | undefined;

  beforeAll(async () => {
    t = await createTestBastion();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(() => t.destroy());

  /** The request lines logged for a probe, a probe again, and a request that is not one. */
  async function requestLines(): Promise<LogLine[]> {
    app = await buildHttpApp(t.bastion);
    const from = t.logs.lines.length;
    for (const url of ['/healthz', '/readyz', '/api/openapi.json'])
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(200);
    return t.logs.lines
      .slice(from)
      .map((line) => JSON.parse(line) as LogLine)
      .filter((line) => line.msg === 'incoming request' || line.msg === 'request completed');
  }

  it('at info, logs every other request and no probe', async () => {
    const lines = await requestLines();
    expect(lines.filter((l) => l.msg === 'incoming request').map((l) => l.req?.url)).toEqual(['/api/openapi.json']);
    expect(lines.map((l) => [l.msg, l.level])).toEqual([
      ['incoming request', INFO],
      ['request completed', INFO],
    ]);
    expect(new Set(lines.map((l) => l.reqId)).size).toBe(1);
  });

  it('at debug, logs the probes at debug and every other request at info', async () => {
    t.logger.level = 'debug';
    try {
      const lines = await requestLines();
      const incoming = lines.filter((l) => l.msg === 'incoming request');
      expect(incoming.map((l) => [l.req?.url, l.level])).toEqual([
        ['/healthz', DEBUG],
        ['/readyz', DEBUG],
        ['/api/openapi.json', INFO],
      ]);
      expect(lines.filter((l) => l.msg === 'request completed').map((l) => l.level)).toEqual([DEBUG, DEBUG, INFO]);
    } finally {
      t.logger.level = 'info';
    }
  });
});

describe(`BASTION_LOG_FORMAT (${testDialect})`, () => {
  let child: ChildProcess | undefined;
  let cleanup: (() => Promise<void>) | undefined;

  beforeAll(() => requireBuiltCli());
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = exitOf(child);
      killIfRunning(child);
      await exited;
    }
    child = undefined;
    await cleanup?.();
  });

  it('pretty: the server logs readable lines, not JSON, and the probes stay quiet', async () => {
    const made = await testEnvironment({ BASTION_HTTP_PLAIN: 'true', BASTION_LOG_LEVEL: 'info' });
    cleanup = made.cleanup;
    const port = await freePort();
    const env = { ...made.env, BASTION_PORT: String(port), BASTION_LOG_FORMAT: 'pretty' };
    expect((await cli(['init'], env)).code).toBe(0);
    const server = await serveProcess(env, { spawned: (c) => (child = c) });
    await fetch(`http://127.0.0.1:${port}/healthz`);
    await fetch(`http://127.0.0.1:${port}/api/openapi.json`);
    const output = await eventually(server.output, (text) => text.includes('request completed'));

    expect(output).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d{4}\] INFO: incoming request$/m);
    expect(output).toMatch(/^ {4}req: \{$/m);
    expect(output).toContain('"url": "/api/openapi.json"');
    expect(output).not.toContain('/healthz"');
    expect(output.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
  });

  it('pretty keeps the redaction: a password or token in a logged object is written as [redacted]', () => {
    const capture = new LogCapture();
    createLogger('info', capture, 'pretty').info({ user: { password: 'hunter2' }, token: 'abc123' }, 'login');
    expect(capture.text).toMatch(/INFO: login/);
    expect(capture.text).toContain('[redacted]');
    expect(capture.text).not.toMatch(/hunter2|abc123/);
  });

  it('json is the default: every log line of the server is one JSON object', async () => {
    const made = await testEnvironment({ BASTION_HTTP_PLAIN: 'true', BASTION_LOG_LEVEL: 'info' });
    cleanup = made.cleanup;
    const port = await freePort();
    const env = { ...made.env, BASTION_PORT: String(port) };
    expect((await cli(['init'], env)).code).toBe(0);
    const server = await serveProcess(env, { spawned: (c) => (child = c) });
    await fetch(`http://127.0.0.1:${port}/api/openapi.json`);
    const output = await eventually(server.output, (text) => text.includes('request completed'));
    // The CLI's own lines (what it prints for the operator, and its warnings) are not log lines.
    const cliLine = (line: string) => line.startsWith('Bastion is serving') || line.startsWith('bastion: warning: ');
    const logLines = output.split('\n').filter((line) => line !== '' && !cliLine(line));
    expect(logLines.length).toBeGreaterThan(1);
    for (const line of logLines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
  });

  it('a value other than json or pretty: exit 3, one line naming BASTION_LOG_FORMAT', async () => {
    const made = await testEnvironment({ BASTION_LOG_FORMAT: 'colour' });
    cleanup = made.cleanup;
    const run = await cli(['users', 'list'], made.env);
    expect(run.code).toBe(3);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('key "logFormat" (BASTION_LOG_FORMAT)');
    expect(run.stderr).toContain('json or pretty');
  });
});
