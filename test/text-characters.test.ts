import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { buildHttpApp } from '../src/http/app.js';
import { startIngest } from '../src/modules/ingest/broker.js';
import { encodeSparkplug } from '../src/modules/ingest/payloads.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';
import { adminSession, type Session } from './support/http.js';
import { seedPlant } from './support/plant.js';
import { auditCount } from './support/records.js';

const FORBIDDEN: [string, string][] = [
  ['\u0000', 'U+0000 (NUL)'],
  ['\u202E', 'U+202E (a bidirectional override)'],
  ['\u2066', 'U+2066 (a bidirectional override)'],
  ['\u001B', 'U+001B (a control character)'], // ESC: terminal escape sequences
  ['\u009B', 'U+009B (a control character)'], // C1 CSI
  ['\r', 'U+000D (a control character)'], // a carriage return not followed by a line feed
];

// Issue 10, item 7: one rule on characters in the validation layer, for HTTP, the CLI and every command.
describe(`NUL, control characters and bidirectional overrides are refused (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    admin = await adminSession(app, t);
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  const createUser = (displayName: string, username = 'eve') =>
    app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin.headers,
      payload: { username, displayName },
    });

  it('answers 400 naming the field over HTTP, for names, codes and free text, and writes nothing', async () => {
    const before = await auditCount(t.bastion);
    for (const [char, described] of FORBIDDEN) {
      const response = await createUser(`Eve${char}gnp.exe`);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'validation_failed',
        errors: [{ path: '/displayName', message: expect.stringContaining(described) }],
      });
      expect(response.json<{ detail: string }>().detail).toContain('/displayName');
    }
    const material = await app.inject({
      method: 'POST',
      url: '/api/materials',
      headers: admin.headers,
      payload: { code: 'STEEL', name: 'steel\u202Ebar', kind: 'raw', unit: 'kg' },
    });
    expect(material.json()).toMatchObject({ errors: [{ path: '/name' }] });
    const nested = await app.inject({
      method: 'POST',
      url: '/api/orders/import',
      headers: admin.headers,
      payload: { source: 'SAP', orders: [{ number: 'ERP-1', product: 'X', quantity: 1, erpReference: 'a\u0000' }] },
    });
    expect(nested.json()).toMatchObject({ errors: [{ path: '/orders/0/erpReference' }] });
    expect(await auditCount(t.bastion)).toBe(before);
  });

  it('refuses them in query strings too', async () => {
    const response = await app.inject({ url: '/api/audit/records?action=x%E2%80%AEy', headers: admin.headers });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ errors: { path: string }[] }>().errors[0]!.path).toBe('/action');
  });

  it('keeps tab and newline (and CRLF) in free text', async () => {
    const response = await createUser('Eve\tExample\r\nsecond line\n', 'eve-ok');
    expect(response.statusCode, response.body).toBe(200);
  });

  it('refuses them from the CLI with the field named, one line on stderr', async () => {
    const run = await cli(['users', 'add', 'mallory', '--name', 'Mallory\u202Egnp.exe'], t.env);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/\/displayName contains U\+202E \(a bidirectional override\)/);
    const listed = await cli(['users', 'list', '--json'], t.env);
    expect(listed.stdout).not.toContain('mallory');
  });
});

describe(`device metric names with control characters are refused over MQTT (${testDialect})`, () => {
  it('records a birth whose metric name holds a bidi override as malformed, and stores none of its values', async () => {
    const t = await createTestBastion();
    const broker = await startIngest(t.bastion.context, { ...t.config, mqtt: { ...t.config.mqtt, port: 0 } }, t.logger);
    try {
      await seedPlant(t.bastion);
      const run = <R>(name: string, input: object) =>
        t.bastion.pipeline.execute<R>(name, input, CONSOLE_ACTOR, CLI_ORIGIN);
      await run('plant.node.create', {
        parentPath: '/site-1/area-1/line-1',
        level: 'equipment',
        code: 'press',
        name: 'press',
      });
      const { secret } = await run<{ secret: string }>('ingest.device.register', {
        name: 'press-1',
        equipment: '/site-1/area-1/line-1/press',
        groupId: 'plant',
        edgeNodeId: 'press',
      });
      const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${broker.port}`, {
        ca: readFileSync(join(t.dataDir, 'tls', 'server.crt')),
        clientId: 'press-1',
        username: 'press-1',
        password: secret,
        reconnectPeriod: 0,
      });
      const birth = (name: string) =>
        encodeSparkplug({ timestamp: Date.now(), seq: 0, metrics: [{ name, alias: 1, type: 'Double', value: 1.5 }] });
      await client.publishAsync('spBv1.0/plant/NBIRTH/press', birth('temp\u202Eerature'), { qos: 1 });
      await client.publishAsync('spBv1.0/plant/NBIRTH/press', birth('pressure'), { qos: 1 });
      await client.endAsync();
      await broker.writer.drain();
      const db = t.bastion.storage.db;
      const metrics = await db.selectFrom('ingest_values').select('metric').execute();
      expect(metrics.map((m) => m.metric)).toEqual(['pressure']);
      const events = await db
        .selectFrom('ingest_security_events')
        .selectAll()
        .where('kind', '=', 'malformed-payload')
        .execute();
      expect(events.map((e) => e.detail)).toEqual(['metric name holds a control character']);
    } finally {
      await broker.close();
      await t.destroy();
    }
  });
});
