import { afterEach, beforeEach, expect } from 'vitest';
import { testEnvironment } from './bastion.js';
import { cli } from './cli.js';
import { dropDatabase } from './database.js';

export interface InitialisedDirectory {
  env: Record<string, string>;
  dataDir: string;
  /** Another database a test made; dropped after the test. */
  otherUrl?: string;
}

/** A data directory `bastion init` made on this project's database before each test, removed after it. */
export function initialisedDirectoryPerTest(): InitialisedDirectory {
  const dir: InitialisedDirectory = { env: {}, dataDir: '' };
  let cleanup: () => Promise<void> = () => Promise.resolve();
  beforeEach(async () => {
    ({ env: dir.env, dataDir: dir.dataDir, cleanup } = await testEnvironment());
    expect((await cli(['init'], dir.env)).code).toBe(0);
  });
  afterEach(async () => {
    await dropDatabase(dir.otherUrl);
    dir.otherUrl = undefined;
    await cleanup();
  });
  return dir;
}
