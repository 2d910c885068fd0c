import { resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';

export const databaseTlsModes = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type DatabaseTlsMode = (typeof databaseTlsModes)[number];

/**
 * SQLite's memory (storage/sqlite.ts); both count in the process's resident memory. Measured (issue 17): a
 * 1 GiB map becomes resident for nearly all of the file it covers (717 MB after traces of a 748 MiB
 * genealogy, 289 MB during the ingest bench). Traces at 1M lots on a quiet machine, the same build without and
 * with a 1 GiB map: backward 0.546 -> 0.387 ms, the widest trace 106 -> 48 ms; at 100k lots no difference. The
 * RSS goal wins the default: no map, and a 16 MiB page cache, which traced as fast as 64 MiB. A host with memory
 * to spare for a very large genealogy may map the file.
 */
export const DEFAULT_SQLITE_MMAP_MB = 0;
export const DEFAULT_SQLITE_CACHE_MB = 16;

const file = (description: string) => Type.Optional(Type.String({ minLength: 1, description }));

/**
 * `tls`: TLS to PostgreSQL, with libpq's meaning of each mode (docs/OPERATIONS.md, "PostgreSQL over TLS"). Every
 * key is optional so that the same setting in the URL (`sslmode`, `sslrootcert`, `sslcert`, `sslkey`) is allowed
 * as long as both say the same thing. `sqlite`: the memory SQLite may use (unused with PostgreSQL). `postgres`:
 * `preparedStatements` false sends every query unnamed, for a pooler in transaction mode that does not keep
 * prepared statements (storage/postgres-statements.ts).
 */
export const databaseConfig = Type.Object(
  {
    tls: Type.Object(
      {
        mode: Type.Optional(
          Type.Union(
            databaseTlsModes.map((mode) => Type.Literal(mode)),
            { description: 'one of disable, require, verify-ca, verify-full (libpq sslmode; default disable)' },
          ),
        ),
        caFile: file("a path to the PEM CA that signed the server's certificate (libpq sslrootcert)"),
        certFile: file('a path to a PEM client certificate (libpq sslcert)'),
        keyFile: file('a path to the PEM private key of the client certificate (libpq sslkey)'),
        allowPlaintext: Type.Boolean({
          default: false,
          description: 'true or false (true allows mode disable to a database host that is not loopback)',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    sqlite: Type.Object(
      {
        mmapMb: Type.Integer({
          minimum: 0,
          maximum: 65_536,
          default: DEFAULT_SQLITE_MMAP_MB,
          description: 'an integer from 0 to 65536 (MiB of the SQLite file mapped into memory; 0 maps none)',
        }),
        cacheMb: Type.Integer({
          minimum: 1,
          maximum: 65_536,
          default: DEFAULT_SQLITE_CACHE_MB,
          description: "an integer from 1 to 65536 (MiB of SQLite's page cache)",
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    postgres: Type.Object(
      {
        preparedStatements: Type.Boolean({
          default: true,
          description: 'true or false (false: every query unnamed, as a pooler in transaction mode may need)',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

export type DatabaseConfig = Static<typeof databaseConfig>;

/** The libpq URL parameter that carries each configuration key. */
const urlParameter = { mode: 'sslmode', caFile: 'sslrootcert', certFile: 'sslcert', keyFile: 'sslkey' } as const;
type TlsKey = keyof typeof urlParameter;

function isLoopback(hostname: string): boolean {
  // An empty host is a Unix socket (postgres:///db?host=/run/postgresql): it never leaves the machine.
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === '' || host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

interface Resolved {
  problems: string[];
  mode: string;
  chosen: Partial<Record<TlsKey, string>>;
  parsed: URL;
}

/** The TLS settings of the URL and of the keys, merged; a key and a URL parameter that disagree are a problem. */
function resolveTls(url: string, tls: DatabaseConfig['tls']): Resolved | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined; // not a URL: node-postgres refuses it at connect, as before; its text may hold a password
  }
  const problems: string[] = [];
  const chosen: Partial<Record<TlsKey, string>> = {};
  for (const key of Object.keys(urlParameter) as TlsKey[]) {
    const fromUrl = parsed.searchParams.get(urlParameter[key]) ?? undefined;
    const fromKey = tls[key];
    if (fromUrl !== undefined && fromKey !== undefined && (key === 'mode' ? fromUrl : resolve(fromUrl)) !== fromKey) {
      problems.push(
        `key "database.tls.${key}" (${fromKey}) contradicts ${urlParameter[key]}=${fromUrl} in databaseUrl`,
      );
    }
    const value = fromKey ?? fromUrl;
    if (value !== undefined) chosen[key] = value;
  }
  if (parsed.searchParams.has('ssl')) {
    problems.push("the parameter ssl in databaseUrl is not libpq's: use sslmode (or database.tls.mode)");
  }
  return { problems, mode: chosen.mode ?? 'disable', chosen, parsed };
}

/** What is wrong with the database TLS settings (loadConfig refuses the configuration when anything is). */
export function databaseTlsProblems(url: string, tls: DatabaseConfig['tls']): string[] {
  const resolved = resolveTls(url, tls);
  if (resolved === undefined) return [];
  const { problems, mode, chosen, parsed } = resolved;
  if (!(databaseTlsModes as readonly string[]).includes(mode)) {
    problems.push(`sslmode=${mode} in databaseUrl: expected one of ${databaseTlsModes.join(', ')}`);
  }
  if (mode.startsWith('verify-') && chosen.caFile === undefined) {
    problems.push(
      `key "database.tls.caFile" is required by mode ${mode} (the CA that signed the server's certificate)`,
    );
  }
  if ((chosen.certFile === undefined) !== (chosen.keyFile === undefined)) {
    problems.push(
      'keys "database.tls.certFile" and "database.tls.keyFile" go together (a client certificate and its key)',
    );
  }
  if (mode === 'disable' && !isLoopback(parsed.hostname) && !tls.allowPlaintext) {
    problems.push(
      `key "database.tls.mode" is disable for the non-loopback host ${parsed.hostname}: use verify-full ` +
        '(recommended) or set database.tls.allowPlaintext to true',
    );
  }
  return problems;
}

/**
 * The URL to connect with: the TLS settings written in libpq's own parameters (sslmode always explicit), so
 * that pg_dump and pg_restore read the very settings the pool does (storage/postgres-tls.ts reads them back
 * for node-postgres). The configured URL itself stays as written (`config show`, derived names).
 */
export function effectiveDatabaseUrl(config: {
  databaseUrl?: string;
  database: DatabaseConfig;
  tls: { minVersion: string };
}): string | undefined {
  if (config.databaseUrl === undefined) return undefined;
  const resolved = resolveTls(config.databaseUrl, config.database.tls);
  if (resolved === undefined) return config.databaseUrl;
  const { mode, chosen, parsed } = resolved;
  for (const key of Object.values(urlParameter)) parsed.searchParams.delete(key);
  parsed.searchParams.delete('ssl_min_protocol_version');
  parsed.searchParams.set('sslmode', mode);
  if (mode !== 'disable') {
    for (const key of ['caFile', 'certFile', 'keyFile'] as const) {
      if (chosen[key] !== undefined) parsed.searchParams.set(urlParameter[key], chosen[key]);
    }
    parsed.searchParams.set('ssl_min_protocol_version', config.tls.minVersion);
  }
  return parsed.toString();
}
