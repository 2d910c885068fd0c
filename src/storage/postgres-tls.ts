import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { DEFAULT_TLS_CIPHERS } from '../kernel/config/schema.js';

/** Parameters node-postgres would read from the URL with meanings of its own: this module reads them instead. */
const TLS_PARAMETERS = [
  'ssl',
  'sslmode',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'sslpassword',
  'sslnegotiation',
  'ssl_min_protocol_version',
  'uselibpqcompat',
];

export interface PgConnection {
  /** The URL without its TLS parameters (node-postgres would let them override `ssl`). */
  connectionString: string;
  ssl: false | ConnectionOptions;
  /** libpq's sslmode as the URL states it (disable when it states none). */
  mode: string;
}

/**
 * node-postgres settings with libpq's meaning of `sslmode` (pg 8 verifies on `require`, libpq does not):
 * - disable: no TLS;
 * - require: TLS without verification, unless a CA is given, which libpq then checks as verify-ca does;
 * - verify-ca: the server's chain must lead to `sslrootcert`, whatever name the certificate bears;
 * - verify-full: as verify-ca, and the certificate must name the host (DNS or IP SAN) of the URL.
 * The TLS policy (oldest version, ciphers) applies to the database as to every other connection; the
 * oldest version comes from `ssl_min_protocol_version`, which loadConfig writes from `tls.minVersion`.
 */
export function pgConnection(url: string, ciphers: string = DEFAULT_TLS_CIPHERS): PgConnection {
  const parsed = new URL(url);
  const parameter = (name: string) => parsed.searchParams.get(name) ?? undefined;
  const mode = parameter('sslmode') ?? 'disable';
  const ca = parameter('sslrootcert');
  const cert = parameter('sslcert');
  const key = parameter('sslkey');
  const minVersion = parameter('ssl_min_protocol_version') === 'TLSv1.3' ? 'TLSv1.3' : 'TLSv1.2';
  for (const name of TLS_PARAMETERS) parsed.searchParams.delete(name);
  const connectionString = parsed.toString();
  if (mode === 'disable') return { connectionString, ssl: false, mode };
  if (!['require', 'verify-ca', 'verify-full'].includes(mode)) {
    throw new Error(`sslmode=${mode} is not supported: use disable, require, verify-ca or verify-full`);
  }
  const verify = mode !== 'require' || ca !== undefined;
  const ssl: ConnectionOptions = {
    minVersion,
    ciphers,
    rejectUnauthorized: verify,
    ...(ca !== undefined ? { ca: readFileSync(ca) } : {}),
    ...(cert !== undefined && key !== undefined ? { cert: readFileSync(cert), key: readFileSync(key) } : {}),
    // verify-ca (and require with a CA) checks the chain only: any name in the certificate is accepted.
    ...(mode !== 'verify-full' ? { checkServerIdentity: () => undefined } : {}),
  };
  return { connectionString, ssl, mode };
}

/** Whether the URL asks for an encrypted connection that checks nothing (libpq `require` without a CA). */
export function unverifiedTls(url: string): boolean {
  const parameters = new URL(url).searchParams;
  return parameters.get('sslmode') === 'require' && !parameters.has('sslrootcert');
}

/**
 * The environment of pg_dump and pg_restore: a URL without `sslmode` gets libpq's `disable`, not its default
 * `prefer`, so the tools connect exactly as the pool does.
 */
export function libpqEnvironment(url: string): Record<string, string> {
  return new URL(url).searchParams.has('sslmode') ? {} : { PGSSLMODE: 'disable' };
}

/** The `pg.Client`/`pg.Pool` options of a URL: its connection string and its TLS, as the pool's are. */
export function pgClientConfig(url: string): { connectionString: string; ssl: false | ConnectionOptions } {
  const { connectionString, ssl } = pgConnection(url);
  return { connectionString, ssl };
}
