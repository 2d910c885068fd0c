import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialize } from '../src/app/init.js';
import { startServer, type RunningServer } from '../src/app/serve.js';
import { loadConfig } from '../src/kernel/config/load.js';
import { createLogger } from '../src/kernel/logger.js';
import { testEnvironment } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { freePort } from './support/eventually.js';

interface Handshake {
  /** The negotiated suite, or undefined when the handshake failed. */
  cipher?: string;
  protocol?: string;
  output: string;
}

/** `openssl s_client` against a port; async, because the server runs in this process. */
function sClient(port: number, args: string[]): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', ...args]);
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.stdin.end(); // no request: close once the handshake is done
    child.on('error', reject);
    child.on('close', () => {
      const [, protocol, cipher] = output.match(/New, (TLSv[\d.]+), Cipher is (\S+)/) ?? [];
      resolve({ cipher, protocol, output });
    });
  });
}

// OpenSSL 3 refuses to offer TLS 1.1 or weak suites itself at its default security level; level 0 makes the
// client offer them, so what is tested is the server's refusal.
const weak = (suite: string) => ['-cipher', `${suite}:@SECLEVEL=0`];

// Issue 10, item 5: TLS 1.3, or TLS 1.2 with ECDHE and an AEAD suite, on HTTPS and on MQTT over TLS.
describe(`TLS policy on the served ports (${testDialect})`, () => {
  let server: RunningServer;
  let cleanup: () => Promise<void>;
  let ports: Record<'https' | 'mqtts', number>;

  beforeAll(async () => {
    const environment = await testEnvironment({ BASTION_PORT: String(await freePort()) });
    cleanup = environment.cleanup;
    const config = loadConfig({ env: environment.env, cwd: environment.dataDir });
    const logger = createLogger('silent');
    await initialize(config, logger);
    server = await startServer(config, logger);
    ports = { https: Number(new URL(server.url).port), mqtts: server.ingest!.port };
  });
  afterAll(async () => {
    await server?.stop('test');
    await cleanup();
  });

  for (const listener of ['https', 'mqtts'] as const) {
    it(`${listener}: refuses TLS 1.1`, async () => {
      const result = await sClient(ports[listener], ['-tls1_1', ...weak('DEFAULT')]);
      expect(result.output).toMatch(/alert protocol version|unsupported protocol|wrong version number/);
      expect(result.cipher).toBeUndefined();
    });

    it(`${listener}: refuses CBC, SHA-1, CCM8, ARIA and RSA key exchange suites under TLS 1.2`, async () => {
      for (const suite of [
        'ECDHE-ECDSA-AES128-SHA256', // CBC
        'ECDHE-ECDSA-AES256-SHA', // CBC with SHA-1
        'ECDHE-ECDSA-AES128-CCM8',
        'ECDHE-ECDSA-ARIA128-GCM-SHA256',
        'AES128-GCM-SHA256', // RSA key exchange
      ]) {
        const result = await sClient(ports[listener], ['-tls1_2', ...weak(suite)]);
        expect(result.cipher, `${suite} was accepted`).toBeUndefined();
      }
    });

    it(`${listener}: accepts an ECDHE AEAD suite under TLS 1.2`, async () => {
      const result = await sClient(ports[listener], ['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256']);
      expect(result).toMatchObject({ cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256', protocol: 'TLSv1.2' });
    });

    it(`${listener}: accepts TLS 1.3, but not its CCM8 suite`, async () => {
      const result = await sClient(ports[listener], ['-tls1_3']);
      expect(result).toMatchObject({ cipher: 'TLS_AES_256_GCM_SHA384', protocol: 'TLSv1.3' });
      const ccm = await sClient(ports[listener], ['-tls1_3', '-ciphersuites', 'TLS_AES_128_CCM_8_SHA256']);
      expect(ccm.cipher).toBeUndefined();
    });
  }
});

describe('TLS policy configuration', () => {
  it('refuses a suite outside the policy, naming the key, and accepts a narrower list', () => {
    const env = { BASTION_TLS_CIPHERS: 'TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-SHA' };
    expect(() => loadConfig({ env, cwd: '/' })).toThrow(/key "tls\.ciphers"/);
    const narrow = loadConfig({
      env: { BASTION_TLS_CIPHERS: 'TLS_AES_256_GCM_SHA384', BASTION_TLS_MIN_VERSION: 'TLSv1.3' },
      cwd: '/',
    });
    expect(narrow.tls).toEqual({ ciphers: 'TLS_AES_256_GCM_SHA384', minVersion: 'TLSv1.3' });
    expect(() => loadConfig({ env: { BASTION_TLS_MIN_VERSION: 'TLSv1.1' }, cwd: '/' })).toThrow(
      /key "tls\.minVersion"/,
    );
  });
});
