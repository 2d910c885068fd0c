import { existsSync, lstatSync, symlinkSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This file's folder: bench/support, or .bench-build/bench/support once compiled. */
const supportDir = dirname(fileURLToPath(import.meta.url));

/**
 * `.js` when the benches run as compiled by `npm run bench` (tsconfig.bench.json), `.ts` when a person runs
 * bench/run.ts under tsx. A file a bench forks or lists carries the extension of the code that is running.
 */
export const codeExtension = extname(fileURLToPath(import.meta.url));
export const compiled = codeExtension === '.js';

/** The folder tsconfig.bench.json writes to, when running from it. */
export const buildDir = compiled ? join(supportDir, '..', '..') : undefined;

/** One line for a bench's header: what code runs, under what. */
export function describeCode(benchFile: string): string {
  const where = relative(process.cwd(), benchFile);
  return compiled
    ? `compiled JavaScript (${where}) under plain node ${process.version}, as production runs dist/`
    : `TypeScript (${where}) under tsx on node ${process.version}: not as production runs; npm run bench compiles`;
}

/**
 * Code in src/ and test/support finds the built web application and the `bastion` binary two folders above
 * its own (src/http/ui.ts: ../../dist/web; test/support/serve-process.ts: ../../dist/cli/bin.js). The compiled
 * copies sit one folder deeper, in .bench-build/, so links there lead those paths back to the repository's
 * folders instead of changing the code under measurement.
 */
export function linkRepositoryFolders(): void {
  if (buildDir === undefined) return;
  for (const name of ['dist', 'artifacts']) {
    const link = join(buildDir, name);
    if (existsSync(link) || isDanglingLink(link)) continue;
    symlinkSync(join('..', name), link, 'dir');
  }
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
