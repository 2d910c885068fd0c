import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface DatabaseRun {
  label: string;
  /** The bench's last JSON line (every bench ends with its summary), if it printed one. */
  summary?: Record<string, unknown>;
  exitCode: number;
}

/**
 * Runs `npm run bench -- NAME` for one database in a child process (a fresh process each, so neither run
 * inherits the other's heap, caches or JIT state), echoing its output and keeping its final JSON summary.
 * `databaseUrl` undefined: SQLite; otherwise PostgreSQL through BASTION_DATABASE_URL (bench/support/env.ts
 * then makes and drops a private schema). A bench that opens no database (canonical) or only SQLite (backup)
 * simply runs twice.
 */
export async function runOn(label: string, script: string, name: string, databaseUrl?: string): Promise<DatabaseRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The child runs one database: without this it would start two runs of its own.
  delete env.BASTION_BENCH_DATABASE_URL;
  // BASTION_TEST_DATABASE_URL too: benches built on test/support (web) choose their database by it.
  for (const name of ['BASTION_DATABASE_URL', 'BASTION_TEST_DATABASE_URL']) {
    if (databaseUrl === undefined) delete env[name];
    else env[name] = databaseUrl;
  }
  console.log(`\n=== ${label} ===`);
  const child = spawn(process.execPath, [...process.execArgv, script, name], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let summary: Record<string, unknown> | undefined;
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    console.log(line);
    const parsed = parseSummary(line);
    if (parsed !== undefined) summary = parsed;
  });
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  return { label, summary, exitCode };
}

function parseSummary(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Every scalar leaf of a summary under its dotted path (arrays by index), in the order the bench wrote them. */
export function flatten(value: unknown, prefix = '', into = new Map<string, number | string | boolean>()) {
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
    into.set(prefix, value);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix === '' ? key : `${prefix}.${key}`, into);
  }
  return into;
}

/** Readable at a glance: grouped thousands for large figures, three significant digits for small ones. */
export function formatFigure(value: number | string | boolean | undefined): string {
  if (value === undefined) return '-';
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100 || Number.isInteger(value)) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
}

/**
 * The two runs' summaries side by side: one row per field either printed, with the second run's figure over
 * the first's where both are numbers (PostgreSQL / SQLite when run by `runOnBoth`).
 */
export function sideBySide(first: DatabaseRun, second: DatabaseRun): string[] {
  const a = flatten(first.summary ?? {});
  const b = flatten(second.summary ?? {});
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  const rows = keys.map((key) => {
    const [x, y] = [a.get(key), b.get(key)];
    const ratio = typeof x === 'number' && typeof y === 'number' && x !== 0 ? formatFigure(y / x) : '';
    return [key, formatFigure(x), formatFigure(y), ratio];
  });
  const header = ['figure', first.label, second.label, `${second.label} / ${first.label}`];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...rows.map(format)];
}

/**
 * SQLite then PostgreSQL, one after the other (never at once: on a small machine each would slow the other),
 * then both summaries in one table. Resolves to the exit code: non-zero when either run failed.
 */
export async function runOnBoth(script: string, name: string, postgresUrl: string): Promise<number> {
  const sqlite = await runOn('SQLite', script, name);
  const postgres = await runOn('PostgreSQL', script, name, postgresUrl);
  console.log(`\n=== ${name}: SQLite and PostgreSQL side by side (each run's final JSON line) ===`);
  for (const run of [sqlite, postgres]) {
    if (run.exitCode !== 0) console.log(`${run.label} run failed (exit code ${run.exitCode})`);
    else if (run.summary === undefined) console.log(`${run.label} run printed no JSON summary line`);
  }
  for (const line of sideBySide(sqlite, postgres)) console.log(line);
  return sqlite.exitCode !== 0 ? sqlite.exitCode : postgres.exitCode;
}
