import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_SQLITE_CACHE_MB, DEFAULT_SQLITE_MMAP_MB } from '../src/kernel/config/database.js';
import { runOnBoth } from './support/both.js';
import { buildDir, codeExtension, describeCode, linkRepositoryFolders } from './support/compiled.js';

/**
 * `npm run bench -- NAME` compiles src/ and bench/ with tsconfig.bench.json into .bench-build/ (git-ignored)
 * and runs the `run()` exported by bench/NAME there under plain node, as production runs dist/: no tsx loader,
 * its transform cache or its compile time in the figures. Names are checked against the files that exist, so
 * an argument can never reach outside this directory. With BASTION_BENCH_DATABASE_URL set, the bench runs
 * twice in child processes, on SQLite and then on PostgreSQL at that URL, and both summaries are printed side
 * by side.
 */
const script = fileURLToPath(import.meta.url);
const here = dirname(script);

/**
 * The benches are those of bench/*.ts: read there even when running compiled, so that the output of a bench
 * since deleted (tsc leaves it in .bench-build/) is not offered.
 */
function availableBenches(): string[] {
  const sources = buildDir !== undefined ? join(buildDir, '..', 'bench') : here;
  return readdirSync(sources)
    .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
    .map((file) => file.slice(0, -'.ts'.length))
    .sort();
}

/** Which database this run measures, with SQLite's memory sizes (database.sqlite.*) when it is SQLite. */
function describeDatabase(): string {
  const url = process.env.BASTION_DATABASE_URL;
  if (url !== undefined && url !== '') return 'PostgreSQL (BASTION_DATABASE_URL, a private schema dropped after)';
  const mb = (name: string, fallback: number) => process.env[name] ?? String(fallback);
  const mmap = mb('BASTION_DATABASE_SQLITE_MMAP_MB', DEFAULT_SQLITE_MMAP_MB);
  const cache = mb('BASTION_DATABASE_SQLITE_CACHE_MB', DEFAULT_SQLITE_CACHE_MB);
  return `SQLite (mmap ${mmap} MiB, page cache ${cache} MiB)`;
}

const name = process.argv[2];
const benches = availableBenches();
if (name === undefined || !benches.includes(name)) {
  const problem = name !== undefined ? `Unknown bench "${name}". ` : '';
  console.error(
    `${problem}Usage: npm run bench -- NAME\nAvailable benches: ${benches.join(', ')}\n` +
      'Set BASTION_BENCH_DATABASE_URL=postgres://... to run it on SQLite and on PostgreSQL and compare.',
  );
  process.exit(2);
}
const file = join(here, `${name}${codeExtension}`);
linkRepositoryFolders();

const bothUrl = process.env.BASTION_BENCH_DATABASE_URL;
if (bothUrl !== undefined && bothUrl !== '') {
  process.exitCode = await runOnBoth(script, name, bothUrl);
} else {
  console.log(`bench ${name}: ${describeCode(file)}; database: ${describeDatabase()}`);
  const bench = (await import(pathToFileURL(file).href)) as { run?: () => Promise<void> };
  if (typeof bench.run !== 'function') throw new Error(`bench/${name} exports no run() function`);
  await bench.run();
}
