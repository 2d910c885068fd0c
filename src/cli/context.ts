import type { Logger } from 'pino';
import { ConsoleAuthorizer } from './authorize.js';
import { loadConfig, ConfigError } from '../kernel/config/load.js';
import type { BastionConfig } from '../kernel/config/schema.js';
import { createLogger } from '../kernel/logger.js';
import { CliError, ExitCode, type CliIo } from './io.js';

export interface VerbContext {
  io: CliIo;
  config: BastionConfig;
  logger: Logger;
  authorize(permission: string): Promise<void>;
  print(line: string): void;
}

/** Loads configuration for a verb; a bad key ends the command with exit code 3 and one line naming it. */
export function verbContext(
  io: CliIo,
  overrides: (config: BastionConfig) => BastionConfig = (c) => c,
  logLevel?: string,
): VerbContext {
  let config: BastionConfig;
  try {
    config = overrides(loadConfig({ env: io.env, cwd: io.cwd }));
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, ExitCode.config);
    throw error;
  }
  const logger = createLogger(logLevel ?? config.logLevel, undefined, config.logFormat);
  return {
    io,
    config,
    logger,
    authorize: (permission) => new ConsoleAuthorizer().require(permission),
    print: (line) => io.stdout.write(`${line}\n`),
  };
}
