import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import { DataType, MessageSecurityMode, SecurityPolicy } from 'node-opcua-client';
import { OPCUAServer } from 'node-opcua-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { buildHttpApp } from '../src/http/app.js';
import { foldSubtrees, leafHash, perfectRoot, perfectSubtrees } from '../src/modules/audit/merkle.js';
import { listRecords } from '../src/modules/audit/queries.js';
import { opcuaService, type OpcUaService } from '../src/modules/opcua/service.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { until } from './support/eventually.js';
import type { Session } from './support/http.js';
import { makeUser, sessionOf } from './support/identity.js';
import { seedPlant } from './support/plant.js';

const LINE = '/site-1/area-1/line-1';
const NODES = [
  { nodeId: 'ns=1;s=Press.Counter', tag: 'counter' },
  { nodeId: 'ns=1;s=Press.State', tag: 'state' },
];
// node-opcua falls back to ~/.config/node-opcua-default-* for any certificate manager it is not given.
const defaultStores = () => readdirSync(join(homedir(), '.config')).filter((n) => n.startsWith('node-opcua'));

interface TestServer {
  endpointUrl: string;
  stop(): Promise<void>;
}

/** A real OPC UA server with a counter and a state string that change every 100 ms; its PKI in `pki`. */
async function startServer(pki: string, secure: boolean): Promise<TestServer> {
  // The test server trusts whoever connects: what is under test is Bastion's trust in the server.
  const manager = (name: string) =>
    new OPCUACertificateManager({
      rootFolder: join(pki, name),
      keySize: 2048,
      disableFileWatchers: true,
      automaticallyAcceptUnknownCertificate: name === 'server',
    });
  const server = new OPCUAServer({
    port: 0,
    serverCertificateManager: manager('server'),
    userCertificateManager: manager('user'),
    securityModes: secure ? [MessageSecurityMode.SignAndEncrypt] : [MessageSecurityMode.None],
    securityPolicies: secure
      ? [SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes256_Sha256_RsaPss]
      : [SecurityPolicy.None],
    // Endpoints named by the address the test dials, not the machine's host name.
    hostname: '127.0.0.1',
    buildInfo: { productName: 'Test press' },
  });
  await server.initialize();
  const namespace = server.engine.addressSpace!.getOwnNamespace();
  const variable = (name: string, dataType: string) =>
    namespace.addVariable({ organizedBy: 'ObjectsFolder', browseName: name, nodeId: `s=Press.${name}`, dataType });
  const counter = variable('Counter', 'Int32');
  const state = variable('State', 'String');
  let n = 0;
  const timer = setInterval(() => {
    n += 1;
    counter.setValueFromSource({ dataType: DataType.Int32, value: n });
    state.setValueFromSource({ dataType: DataType.String, value: n % 2 === 1 ? 'running' : 'idle' });
  }, 100);
  await server.start();
  return {
    endpointUrl: `opc.tcp://127.0.0.1:${server.endpoints[0]!.port}`,
    async stop() {
      clearInterval(timer);
      await server.shutdown();
    },
  };
}

// Bastion as an OPC UA client: SignAndEncrypt, server certificates refused until trusted (issue 5, item 6).
describe(`OPC UA connector (${testDialect})`, () => {
  const storesBefore = defaultStores();
  const serverPki = mkdtempSync(join(tmpdir(), 'bastion-opcua-server-'));
  let t: TestBastion;
  let app: FastifyInstance;
  let service: OpcUaService;
  let reader: Session;
  let server: TestServer;
  let firstEndpoint = '';

  const run = (command: string, input: object) =>
    t.bastion.pipeline.execute<Record<string, unknown>>(command, input, CONSOLE_ACTOR, CLI_ORIGIN);
  const get = <T>(url: string) => app.inject({ url, headers: reader.headers }).then((r) => r.json<T>());
  const define = (name: string, endpointUrl: string, securityPolicy = 'Basic256Sha256') =>
    run('opcua.connection.define', {
      name,
      endpointUrl,
      equipment: LINE,
      securityPolicy,
      samplingMs: 100,
      nodes: NODES,
    });
  const connected = (name: string) => {
    const status = service.status(name);
    return status.state === 'connected' ? status : undefined;
  };
  const certificates = () =>
    get<{ own: { subject: string } | null; certificates: { thumbprint: string; subject: string; state: string }[] }>(
      '/api/opcua/certificates',
    );
  const samples = (connection: string) =>
    t.bastion.storage.db.selectFrom('opcua_samples').selectAll().where('connection', '=', connection).execute();

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    await seedPlant(t.bastion);
    service = opcuaService(t.bastion.context);
    reader = await sessionOf(
      app,
      await makeUser(t.bastion, app, { username: 'mona', roles: [{ role: 'maintenance' }] }),
    );
    server = await startServer(serverPki, true);
  }, 60_000);
  afterAll(async () => {
    await service.stop();
    await server.stop();
    await app.close();
    await t.destroy();
    rmSync(serverPki, { recursive: true, force: true });
    expect(defaultStores()).toEqual(storesBefore);
  }, 30_000);

  it('refuses an unknown server certificate and lists it as rejected', async () => {
    firstEndpoint = server.endpointUrl;
    await define('press-1', firstEndpoint);
    await service.start(); // as `serve` does: every defined connection, in the background
    await expect(service.connect('press-1')).rejects.toThrow(/BadCertificateUntrusted/);
    expect(service.status('press-1')).toMatchObject({ state: 'refused', reason: 'untrusted-certificate' });
    // Bastion's own application certificate is made in its data directory.
    expect(existsSync(join(t.dataDir, 'pki/opcua/own/certs/client_certificate.pem'))).toBe(true);
    const listed = await certificates();
    expect(listed.own).toMatchObject({ subject: expect.stringContaining('Bastion MES') });
    expect(listed.certificates).toHaveLength(1);
    expect(listed.certificates[0]).toMatchObject({ state: 'rejected' });
    const connections = await get<{ connections: { status: { state: string } }[] }>('/api/opcua/connections');
    expect(connections.connections[0]!.status.state).toBe('refused');
  }, 30_000);

  it('connects with SignAndEncrypt once the certificate is trusted, and stores the data changes', async () => {
    const { thumbprint } = (await certificates()).certificates[0]!;
    const verdict = (verb: string, headers = reader.headers) =>
      app.inject({ method: 'POST', url: `/api/opcua/certificates/${thumbprint}/${verb}`, headers });
    // Reading is not approving: a maintenance account may list, not trust.
    expect((await verdict('trust')).statusCode).toBe(403);
    expect(await run('opcua.certificate.trust', { thumbprint })).toMatchObject({ state: 'trusted', changed: true });
    expect((await certificates()).certificates[0]).toMatchObject({ thumbprint, state: 'trusted' });
    // The refused connection is tried again at once, without waiting for its retry timer.
    expect(await until(() => connected('press-1'), 'press-1 connected')).toMatchObject({
      security: 'SignAndEncrypt Basic256Sha256',
      serverThumbprint: thumbprint,
    });
    const listed = await get<{ connections: { name: string; status: object }[] }>('/api/opcua/connections');
    expect(listed.connections.find((c) => c.name === 'press-1')!.status).toMatchObject({
      state: 'connected',
      security: 'SignAndEncrypt Basic256Sha256',
      serverThumbprint: thumbprint,
    });
    const stored = await until(async () => {
      const rows = await samples('press-1');
      const kinds = new Set(rows.map((r) => r.tag));
      return kinds.has('counter') && kinds.has('state') && rows.length >= 6 ? rows : undefined;
    }, 'six samples of counter and state');
    const counter = stored.find((r) => r.tag === 'counter')!;
    expect(counter).toMatchObject({ equipment_path: LINE, kind: 'number' });
    expect(typeof counter.value_number).toBe('number');
    expect(stored.find((r) => r.tag === 'state')).toMatchObject({ kind: 'string' });
    expect(['running', 'idle']).toContain(stored.find((r) => r.tag === 'state')!.value_text);
    // Rejecting the certificate again ends the session it secured.
    await run('opcua.certificate.reject', { thumbprint });
    await until(() => (service.status('press-1').state === 'refused' ? true : undefined), 'press-1 refused');
    await run('opcua.certificate.trust', { thumbprint });
    await until(() => connected('press-1'), 'press-1 connected again');
    await define('press-pss', firstEndpoint, 'Aes256_Sha256_RsaPss');
    expect(await until(() => connected('press-pss'), 'press-pss connected')).toMatchObject({
      security: 'SignAndEncrypt Aes256_Sha256_RsaPss',
    });
    for (const name of ['press-1', 'press-pss']) await service.disconnect(name);
  }, 30_000);

  it('commits samples as batches through the pipeline, each with an audit record whose Merkle root matches its stored samples', async () => {
    await service.sink.flush();
    const rows = await t.bastion.storage.db.selectFrom('opcua_samples').selectAll().orderBy('batch_seq').execute();
    expect(rows.length).toBeGreaterThanOrEqual(6);
    expect(rows.filter((r) => r.batch_id === null)).toEqual([]); // no sample stored outside a batch
    const records = await listRecords(t.bastion.storage, { action: 'opcua.samples.commit', limit: 10_000 });
    const batches = new Set(rows.map((r) => r.batch_id!));
    expect(new Set(records.map((r) => r.record.target?.id))).toEqual(batches);
    // Recomputed independently: the audit module's RFC 9162 reference functions over each row's columns.
    const root = (leaves: Buffer[]) =>
      foldSubtrees(
        perfectSubtrees([0, leaves.length]).map(({ level, index }) =>
          perfectRoot(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level)),
        ),
      );
    for (const { record } of records) {
      expect(record).toMatchObject({ outcome: 'success', actor: { kind: 'system' }, origin: { channel: 'opcua' } });
      const own = rows.filter((r) => r.batch_id === record.target!.id);
      expect(own.map((r) => Number(r.batch_seq))).toEqual(own.map((_, i) => i));
      const leaves = own.map((r) =>
        leafHash(
          JSON.stringify([
            r.connection,
            r.equipment_path,
            r.tag,
            Number(r.ts),
            r.kind,
            r.value_number === null ? null : Number(r.value_number),
            r.value_text,
          ]),
        ),
      );
      expect(record.details).toMatchObject({ count: own.length, root: root(leaves).toString('hex') });
    }
  });

  it('never falls back to an unencrypted channel, even to a server whose certificate it trusts, nor on a retry', async () => {
    await server.stop();
    // Same PKI folder, so the same (now trusted) certificate: only the security mode differs.
    server = await startServer(serverPki, false);
    await define('press-plain', server.endpointUrl);
    await expect(service.connect('press-plain')).rejects.toThrow(/endpoint/i);
    expect(service.status('press-plain')).toMatchObject({ state: 'refused', reason: 'insecure-endpoint' });
    // A retry is refused the same way; attempts on one connection run one after another, so none is left.
    await expect(service.connect('press-plain')).rejects.toThrow(/endpoint/i);
    expect(service.status('press-plain')).toMatchObject({ state: 'refused', reason: 'insecure-endpoint' });
    expect(await samples('press-plain')).toHaveLength(0);
  }, 30_000);

  it('changes nothing on bad input to the define command', async () => {
    const count = async (table: 'opcua_connections' | 'audit_records') =>
      Number(
        (
          await t.bastion.storage.db
            .selectFrom(table)
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const [connections, records] = [await count('opcua_connections'), await count('audit_records')];
    const good = { name: 'press-1', endpointUrl: 'opc.tcp://127.0.0.1:4840', equipment: LINE, nodes: NODES };
    for (const bad of [
      { ...good, endpointUrl: 'http://127.0.0.1:4840' },
      { ...good, nodes: [] },
      { ...good, nodes: [{ nodeId: 'Press.Counter', tag: 'counter' }] },
      { ...good, securityPolicy: 'None' },
      { ...good, samplingMs: 0 },
      { ...good, extra: true },
    ])
      await expect(run('opcua.connection.define', bad)).rejects.toMatchObject({ code: 'validation_failed' });
    expect([await count('opcua_connections'), await count('audit_records')]).toEqual([connections, records]);
    // Valid in shape, wrong in substance: refused (and audited as failed), the stored definition untouched.
    await expect(run('opcua.connection.define', { ...good, equipment: '/site-9' })).rejects.toThrow();
    await expect(run('opcua.connection.define', { ...good, nodes: [NODES[0], NODES[0]] })).rejects.toThrow(/twice/);
    expect(await count('opcua_connections')).toBe(connections);
    const listed = await get<{ connections: { name: string; endpointUrl: string }[] }>('/api/opcua/connections');
    expect(listed.connections.find((c) => c.name === 'press-1')!.endpointUrl).toBe(firstEndpoint);
  });
});
