import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError } from '../kernel/errors.js';

/**
 * Which processes use a data directory: `<dataDir>/locks/` holds one file per process that opens it for
 * writing (`shared-<pid>.json`: serve, init, every verb that runs commands) and, while a demo reset runs,
 * `exclusive.json`. Each file names its process by pid and start time, so a file left by a process that died
 * (kill -9, power loss) or whose pid was reused is recognised as stale and taken over, never an obstacle.
 *
 * Each side writes its own file before it looks for the other's, so two processes starting at once cannot
 * both pass; at worst both refuse and the operator retries. Within one process the lock is re-entrant: the
 * reset opens the directory again to seed it.
 */
const LOCK_DIR = 'locks';
const EXCLUSIVE = 'exclusive.json';
const sharedName = (pid: number) => `shared-${pid}.json`;

interface Holder {
  pid: number;
  /** The process start time from /proc (clock ticks since boot), or null where /proc is not available. */
  started: string | null;
  mode: 'shared' | 'exclusive';
  since: string;
}

/** A held lock; release() is idempotent. */
export interface DataDirLock {
  release(): void;
}

export class DataDirBusyError extends ConflictError {
  constructor(message: string) {
    super(message, 'data_dir_busy');
  }
}

/** Start time of a process: field 22 of /proc/<pid>/stat, counted after the command name, which may hold spaces. */
function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(holder: Holder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (holder.started === null) return true;
  const now = startTimeOf(holder.pid);
  return now === null || now === holder.started;
}

function readHolder(file: string): Holder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>;
    if (typeof parsed.pid !== 'number') return undefined;
    return {
      pid: parsed.pid,
      started: typeof parsed.started === 'string' ? parsed.started : null,
      mode: parsed.mode === 'exclusive' ? 'exclusive' : 'shared',
      since: typeof parsed.since === 'string' ? parsed.since : '',
    };
  } catch {
    // Missing, or half-written by a process that is writing it right now or died while doing so.
    return undefined;
  }
}

function holderText(mode: Holder['mode']): string {
  const holder: Holder = { pid: process.pid, started: startTimeOf(process.pid), mode, since: new Date().toISOString() };
  return `${JSON.stringify(holder)}\n`;
}

/** What this process holds, per locks directory (re-entrancy). */
const held = new Map<string, { shared: number; exclusive: number }>();

function lockDir(dataDir: string): string {
  const dir = join(dataDir, LOCK_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function stateOf(dir: string): { shared: number; exclusive: number } {
  let state = held.get(dir);
  if (!state) held.set(dir, (state = { shared: 0, exclusive: 0 }));
  return state;
}

function forget(dir: string): void {
  const state = held.get(dir);
  if (state && state.shared === 0 && state.exclusive === 0) held.delete(dir);
}

/** Shares the data directory with other writers; refused while another process resets it. */
export function shareDataDir(dataDir: string): DataDirLock {
  const dir = lockDir(dataDir);
  const state = stateOf(dir);
  if (state.shared === 0) {
    const own = join(dir, sharedName(process.pid));
    writeFileSync(own, holderText('shared'), { mode: 0o600 });
    const exclusive = readHolder(join(dir, EXCLUSIVE));
    if (exclusive && exclusive.pid !== process.pid && isAlive(exclusive)) {
      rmSync(own, { force: true });
      forget(dir);
      throw new DataDirBusyError(
        `${dataDir} is being reset by "bastion demo reset" (pid ${exclusive.pid}); wait for it to finish, then start again`,
      );
    }
  }
  state.shared += 1;
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      state.shared -= 1;
      if (state.shared === 0) rmSync(join(dir, sharedName(process.pid)), { force: true });
      forget(dir);
    },
  };
}

/** Takes the data directory for this process alone: refused while any other Bastion process uses it. */
export function takeDataDir(dataDir: string): DataDirLock {
  const dir = lockDir(dataDir);
  const state = stateOf(dir);
  const file = join(dir, EXCLUSIVE);
  if (state.exclusive === 0) {
    claimExclusive(dataDir, file);
    const others = readdirSync(dir)
      .filter((name) => /^shared-\d+\.json$/.test(name) && name !== sharedName(process.pid))
      .map((name) => ({ name, holder: readHolder(join(dir, name)) }));
    const live: number[] = [];
    for (const { name, holder } of others) {
      // A file not (yet) readable may be a process writing it now: its name still says whose it is.
      const pid = holder?.pid ?? Number(/\d+/.exec(name)![0]);
      if (isAlive(holder ?? { pid, started: null, mode: 'shared', since: '' })) live.push(pid);
      else rmSync(join(dir, name), { force: true }); // a process that died holding it
    }
    if (live.length > 0) {
      rmSync(file, { force: true });
      forget(dir);
      const pids = live.join(', ');
      throw new DataDirBusyError(
        `${dataDir} is in use by a running Bastion process (pid ${pids}); stop it (e.g. "systemctl stop bastion"), then run this again`,
      );
    }
  }
  state.exclusive += 1;
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      state.exclusive -= 1;
      if (state.exclusive === 0) rmSync(file, { force: true });
      forget(dir);
    },
  };
}

/** Creates exclusive.json atomically; one left by a dead process is removed and claimed once more. */
function claimExclusive(dataDir: string, file: string): void {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(file, holderText('exclusive'), { mode: 0o600, flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(file);
    if (holder && isAlive(holder))
      throw new DataDirBusyError(`${dataDir} is being reset by another process (pid ${holder.pid}); wait for it`);
    if (attempt === 0) rmSync(file, { force: true });
  }
  throw new DataDirBusyError(`${dataDir} is being reset by another process; wait for it`);
}
