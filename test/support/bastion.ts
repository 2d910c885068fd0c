import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { Clock } from '../../src/kernel/clock.js';
import { openBastion, type Bastion } from '../../src/app/bastion.js';
import { initialize } from '../../src/app/init.js';
import { loadConfig } from '../../src/kernel/config/load.js';
import type { BastionConfig } from '../../src/kernel/config/schema.js';
import { createLogger } from '../../src/kernel/logger.js';
import { dropDatabase, freshDatabaseUrl } from './database.js';

/** Collects every log line in memory, so tests can read what would have been logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface TestBastion {
  bastion: Bastion;
  config: BastionConfig;
  dataDir: string;
  /** The environment that points the CLI at the same data directory and database. */
  env: Record<string, string>;
  oneTimePassword: string;
  logs: LogCapture;
  logger: Logger;
  /** Closes and deletes everything the test made. */
  destroy(): Promise<void>;
}

/** A data directory for a test, initialised, on the suite's database (a fresh PostgreSQL database or a SQLite file). */
export async function testEnvironment(
  extraEnv: Record<string, string> = {},
): Promise<{ env: Record<string, string>; dataDir: string; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bastion-test-'));
  const databaseUrl = await freshDatabaseUrl();
  const env: Record<string, string> = {
    BASTION_DATA_DIR: dataDir,
    BASTION_LOG_LEVEL: 'silent',
    // Any free port: two suites (or CI and a developer) on one machine must not fight over 8883.
    BASTION_MQTT_PORT: '0',
    ...(databaseUrl !== undefined ? { BASTION_DATABASE_URL: databaseUrl } : {}),
    ...extraEnv,
  };
  return {
    env,
    dataDir,
    cleanup: async () => {
      await dropDatabase(databaseUrl);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A clock the test moves by hand, starting at the real time (TOTP codes stay computable). */
export class ManualClock implements Clock {
  private at = Date.now();
  now(): number {
    return this.at;
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

export async function createTestBastion(extraEnv: Record<string, string> = {}, clock?: Clock): Promise<TestBastion> {
  const { env, dataDir, cleanup } = await testEnvironment(extraEnv);
  const config = loadConfig({ env, cwd: dataDir });
  const logs = new LogCapture();
  const logger = createLogger('info', logs);
  const init = await initialize(config, logger);
  const bastion = await openBastion(config, { logger, clock });
  return {
    bastion,
    config,
    dataDir,
    env,
    oneTimePassword: init.admin!.oneTimePassword,
    logs,
    logger,
    async destroy() {
      await bastion.close();
      await cleanup();
    },
  };
}
