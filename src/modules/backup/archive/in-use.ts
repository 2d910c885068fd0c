import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Pids of live processes that hold `<dataDir>/locks/` (app/data-dir-lock.ts writes one `shared-<pid>.json`
 * per Bastion process, and `exclusive.json` during a reset). Modules cannot import app/, so this reads the
 * same files; the pid is checked alive, and a file naming a dead process is ignored as stale. This process
 * counts too: a restore must not replace the database under a Bastion it runs itself.
 */
export function dataDirHolders(dataDir: string): number[] {
  const dir = join(dataDir, 'locks');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^shared-\d+\.json$/.test(name) || name === 'exclusive.json')
    .map((name) => pidOf(join(dir, name), name))
    .filter((pid): pid is number => pid !== undefined && isAlive(pid));
}

function pidOf(file: string, name: string): number | undefined {
  try {
    const pid = (JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }).pid;
    if (typeof pid === 'number') return pid;
  } catch {
    // Half-written right now: the file name still says whose it is.
  }
  const match = /\d+/.exec(name);
  return match ? Number(match[0]) : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
