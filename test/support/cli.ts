import { runCli } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  stopSignal?: Promise<string>,
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    cwd,
    stopSignal,
  });
  return { code, stdout, stderr };
}

/** Runs the real CLI in-process with the given environment. */
export function cli(args: string[], env: Record<string, string>, cwd = process.cwd()): Promise<CliRun> {
  return run(args, env, cwd);
}

/** `bastion serve` in-process in its data directory, asked to stop as soon as it serves: a refusal ends it before that. */
export function serveOnce(env: Record<string, string>): Promise<CliRun> {
  return run(['serve'], env, env.BASTION_DATA_DIR!, Promise.resolve('SIGTERM'));
}
