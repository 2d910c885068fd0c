import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBastion } from '../src/app/bastion.js';
import { initialize } from '../src/app/init.js';
import { effectiveDatabaseUrl } from '../src/kernel/config/database.js';
import { ConfigError, loadConfig } from '../src/kernel/config/load.js';
import { createLogger } from '../src/kernel/logger.js';
import { pgClientConfig } from '../src/storage/postgres-tls.js';
import { LogCapture } from './support/bastion.js';
import { startPgCluster, type PgCluster } from './support/pg-cluster.js';

/** A CA, and a server certificate it signs for `localhost` and 127.0.0.1 only (127.0.0.2 is not named). */
function makeCertificates(dir: string): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  for (const ca of ['ca', 'other-ca']) {
    openssl('req', '-x509', ...ec, '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', `/CN=${ca}`);
  }
  openssl('req', '-new', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  const extensions = join(dir, 'server.ext');
  execFileSync('sh', ['-c', `printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > ${extensions}`]);
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    extensions,
  );
}

let dir: string;
let cluster: PgCluster;
let port: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bastion-pgtls-'));
  makeCertificates(dir);
  cluster = await startPgCluster({
    listen: "'127.0.0.1,127.0.0.2'",
    conf: ['ssl = on', "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'"],
    // hostssl only: the server itself refuses any connection that is not TLS.
    hba: ['local all all trust', 'hostssl all all 127.0.0.0/8 trust'],
    files: {
      'server.crt': readFileSync(join(dir, 'server.crt'), 'utf8'),
      'server.key': readFileSync(join(dir, 'server.key'), 'utf8'),
    },
  });
  port = new URL(cluster.url).port;
}, 60_000);

afterAll(async () => {
  await cluster?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const urlFor = (host: string, database = 'postgres') => `postgres://postgres@${host}:${port}/${database}`;

/** The configuration a Bastion process would load from these variables. */
function configWith(env: Record<string, string>, dataDir = join(dir, 'data')) {
  return loadConfig({
    env: { BASTION_DATA_DIR: dataDir, BASTION_LOG_LEVEL: 'silent', BASTION_MQTT_ENABLED: 'false', ...env },
    cwd: dir,
  });
}

/** Connects as Bastion would with this configuration and returns what the error said, or 'connected'. */
async function tryConnect(env: Record<string, string>): Promise<string> {
  const client = new pg.Client(pgClientConfig(effectiveDatabaseUrl(configWith(env))!));
  try {
    await client.connect();
    return 'connected';
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('PostgreSQL over TLS (a hostssl-only server with a test CA)', () => {
  it('verify-full with the CA: Bastion initialises, writes and reads, and the server reports TLS under the policy', async () => {
    const config = configWith({
      BASTION_DATABASE_URL: urlFor('localhost'),
      BASTION_DATABASE_TLS_MODE: 'verify-full',
      BASTION_DATABASE_CA_FILE: 'ca.crt',
      BASTION_TLS_MIN_VERSION: 'TLSv1.3',
    });
    const logs = new LogCapture();
    const logger = createLogger('info', logs);
    await initialize(config, logger);
    const bastion = await openBastion(config, { logger });
    try {
      const { rows } = await sql<{ ssl: boolean; version: string }>`
        select ssl, version from pg_stat_ssl where pid = pg_backend_pid()`.execute(bastion.storage.db);
      expect(rows).toEqual([{ ssl: true, version: 'TLSv1.3' }]);
      const written = await sql<{ n: number }>`select count(*)::int as n from audit_records`.execute(
        bastion.storage.db,
      );
      expect(written.rows[0]!.n).toBeGreaterThan(0);
      expect(logs.text).not.toContain('not verified');
    } finally {
      await bastion.close();
    }
  }, 60_000);

  it('verify-ca accepts 127.0.0.2, which the certificate does not name; verify-full refuses it by name', async () => {
    const base = { BASTION_DATABASE_URL: urlFor('127.0.0.2'), BASTION_DATABASE_CA_FILE: 'ca.crt' };
    expect(await tryConnect({ ...base, BASTION_DATABASE_TLS_MODE: 'verify-ca' })).toBe('connected');
    expect(await tryConnect({ ...base, BASTION_DATABASE_TLS_MODE: 'verify-full' })).toMatch(
      /IP: 127\.0\.0\.2 is not in the cert's list/,
    );
  });

  it('a server certificate from an unknown CA is refused by verify-ca and verify-full', async () => {
    for (const mode of ['verify-ca', 'verify-full']) {
      const env = {
        BASTION_DATABASE_URL: urlFor('localhost'),
        BASTION_DATABASE_TLS_MODE: mode,
        BASTION_DATABASE_CA_FILE: 'other-ca.crt',
      };
      expect(await tryConnect(env)).toMatch(/self[- ]signed certificate|unable to verify|unable to get local issuer/);
    }
  });

  it('mode disable is refused by the hostssl-only server; require connects without verifying', async () => {
    expect(await tryConnect({ BASTION_DATABASE_URL: urlFor('localhost') })).toMatch(
      /no pg_hba\.conf entry.*no encryption/,
    );
    expect(await tryConnect({ BASTION_DATABASE_URL: urlFor('127.0.0.2'), BASTION_DATABASE_TLS_MODE: 'require' })).toBe(
      'connected',
    );
  });

  it('the URL and the configuration keys may not contradict each other: ConfigError naming the key', () => {
    const contradiction = () =>
      configWith({
        BASTION_DATABASE_URL: `${urlFor('localhost')}?sslmode=require`,
        BASTION_DATABASE_TLS_MODE: 'verify-full',
        BASTION_DATABASE_CA_FILE: 'ca.crt',
      });
    expect(contradiction).toThrow(ConfigError);
    expect(contradiction).toThrow(/key "database\.tls\.mode" \(verify-full\) contradicts sslmode=require/);
    expect(() =>
      configWith({ BASTION_DATABASE_URL: urlFor('localhost'), BASTION_DATABASE_TLS_MODE: 'verify-full' }),
    ).toThrow(/key "database\.tls\.caFile" is required by mode verify-full/);
    expect(() => configWith({ BASTION_DATABASE_URL: 'postgres://postgres@db.example.net/bastion' })).toThrow(
      /key "database\.tls\.mode" is disable for the non-loopback host db\.example\.net/,
    );
  });

  it('the effective URL carries libpq parameters (sslmode, sslrootcert), so pg_dump with PGSSLMODE=disable still connects over verify-full', () => {
    const config = configWith({
      BASTION_DATABASE_URL: urlFor('localhost'),
      BASTION_DATABASE_TLS_MODE: 'verify-full',
      BASTION_DATABASE_CA_FILE: 'ca.crt',
    });
    expect(config.databaseUrl).toBe(urlFor('localhost')); // shown and derived from as written
    const url = effectiveDatabaseUrl(config)!;
    expect(new URL(url).searchParams.get('sslmode')).toBe('verify-full');
    expect(new URL(url).searchParams.get('sslrootcert')).toBe(join(dir, 'ca.crt'));
    const schema = execFileSync('pg_dump', ['--schema-only', url], {
      encoding: 'utf8',
      env: { ...process.env, PGSSLMODE: 'disable' },
    });
    expect(schema).toContain('PostgreSQL database dump');
  });
});
