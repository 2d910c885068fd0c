import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The built CLI, as an operator runs it. */
export const BIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'bin.js');

/** Fails early, with the fix, when the CLI has not been built. */
export function requireBuiltCli(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`);
}

export interface ServeOptions {
  /** The arguments after bin.js; `serve` unless told. */
  args?: string[];
  /** The line of output that says the process is up; 'Bastion is serving' (its broker listens by then) unless told. */
  readyWhen?: string;
  /** How long to wait for it. */
  timeoutMs?: number;
  /** `pipe` (the default) or `ignore`. */
  stdin?: 'pipe' | 'ignore';
  /** Receives the child as soon as it is spawned, before it serves (so a test can kill it whatever happens). */
  spawned?: (child: ChildProcess) => void;
}

export interface ServeProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
}

/** `bastion serve` as a child process, resolved once it prints `readyWhen`; rejected if it exits or times out first. */
export function serveProcess(env: Record<string, string>, options: ServeOptions = {}): Promise<ServeProcess> {
  const { args = ['serve'], readyWhen = 'Bastion is serving', timeoutMs = 30_000, stdin = 'pipe' } = options;
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: [stdin, 'pipe', 'pipe'],
  });
  options.spawned?.(child);
  const name = args.join(' ');
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${output}`)), timeoutMs);
    const read = (d: Buffer) => {
      output += d.toString();
      if (!output.includes(readyWhen)) return;
      clearTimeout(timer);
      resolve({ child, output: () => output });
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}: ${output}`)));
  });
}

/** Resolves with the exit code when the child exits (null when a signal ended it). */
export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** SIGKILL to a child still running, for an afterEach: a test that failed midway leaves nothing behind. */
export function killIfRunning(child: ChildProcess | undefined): void {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
