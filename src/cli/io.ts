/** What the CLI reads and writes, injected so tests run it in-process. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM), with the signal name. */
  stopSignal?: Promise<string>;
}

/** Exit codes, documented in docs/OPERATIONS.md. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  config: 3,
  notInitialized: 4,
  auditInvalid: 10,
  /** The log is intact, but a witness lacks checkpoints the database holds. */
  witnessIncomplete: 11,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
