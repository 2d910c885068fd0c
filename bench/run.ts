import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * `npm run bench -- NAME` runs the `run()` exported by bench/NAME.ts. Names are checked against the files
 * that exist, so an argument can never reach outside this directory.
 */
const here = dirname(fileURLToPath(import.meta.url));

function availableBenches(): string[] {
  return readdirSync(here)
    .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
    .map((file) => file.slice(0, -'.ts'.length))
    .sort();
}

const name = process.argv[2];
const benches = availableBenches();
if (name === undefined || !benches.includes(name)) {
  const problem = name !== undefined ? `Unknown bench "${name}". ` : '';
  console.error(`${problem}Usage: npm run bench -- NAME\nAvailable benches: ${benches.join(', ')}`);
  process.exit(2);
}
const bench = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as { run?: () => Promise<void> };
if (typeof bench.run !== 'function') throw new Error(`bench/${name}.ts exports no run() function`);
await bench.run();
