import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import pg from 'pg';
import type { AnyTables, Dialect } from '../../../kernel/store.js';
import { libpqEnvironment } from '../../../storage/postgres-tls.js';

export const POSTGRES: Dialect = {
  dialect: 'postgres',
  capabilities: { multipleWriters: true, binaryType: 'bytea', bigIntType: 'bigint' },
};

/** Kysely over one connection the caller owns: its queries run inside whatever transaction that connection holds. */
export function onConnection(client: pg.Client): Kysely<AnyTables> {
  const pool: PostgresPool = {
    connect: () =>
      Promise.resolve({
        query: (text: string, parameters: readonly unknown[]) => client.query(text, [...parameters]),
        release: () => undefined,
      }) as unknown as ReturnType<PostgresPool['connect']>,
    end: () => Promise.resolve(),
  };
  return new Kysely<AnyTables>({ dialect: new PostgresDialect({ pool }) });
}

/** The URL without its password (for argv, which other users can read) and the password (for PGPASSWORD). */
export function splitPassword(url: string): { url: string; password: string | undefined } {
  const parsed = new URL(url);
  const password = parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
  parsed.password = '';
  return { url: parsed.toString(), password };
}

type Tool = ChildProcessByStdio<Writable | null, Readable, Readable>;

/**
 * Runs pg_dump or pg_restore with the password in its environment; stdout is the caller's to read. The URL
 * carries the TLS settings in libpq's parameters (sslmode, sslrootcert, ...), which the tools honour natively.
 */
export function runTool(tool: 'pg_dump' | 'pg_restore', args: string[], databaseUrl: string, stdin = false): Tool {
  const { url, password } = splitPassword(databaseUrl);
  const env = { ...process.env, ...libpqEnvironment(url), ...(password !== undefined ? { PGPASSWORD: password } : {}) };
  const flag = tool === 'pg_dump' ? url : `--dbname=${url}`;
  return spawn(tool, [...args, flag], { env, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] }) as Tool;
}

/** Resolves when the tool exits 0; otherwise fails with the first line of what it wrote to stderr. */
export function exitOf(child: Tool, tool: string): Promise<void> {
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`${tool} could not be started: ${error.message}`)));
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${tool} failed (exit ${code}): ${stderr.split('\n')[0] ?? ''}`.trim()));
    });
  });
}
