import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// One run covers both dialects: the suite on SQLite always, and again on PostgreSQL when
// BASTION_TEST_DATABASE_URL is set. Each project's `env` becomes the process environment of its forked
// workers, so test/support/database.ts (and every child process a test spawns) sees its own project's dialect.
const postgresUrl = process.env.BASTION_TEST_DATABASE_URL ?? '';

// Every response a project's tests receive is checked against the OpenAPI document once its files have run
// (per project: the root config runs no test, so a setup there would check nothing).
const responseCheck = 'test/support/response-check.global.ts';

// `*.postgres.test.ts` needs PostgreSQL (it runs in that project only).
// Unit tests under src/ do not open a database, except the pipeline's, which runs a real one.
const databaseTests = ['test/**/*.test.ts', 'src/kernel/pipeline/pipeline.test.ts'];

const sqlite: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'sqlite',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/**/*.postgres.test.ts'],
    // Empty, not absent: a URL in the developer's shell must not turn this half into a second PostgreSQL run.
    env: { BASTION_TEST_DATABASE_URL: '' },
    globalSetup: [responseCheck],
  },
};

const postgres: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'postgres',
    include: databaseTests,
    // `*.sqlite.test.ts` is about a SQLite data directory; the systemd unit needs no database at all; the
    // browser tests (test/e2e) drive screens over the same API whose dialect behaviour the rest of the suite
    // proves on both databases, so they run once, in the SQLite project.
    exclude: ['test/**/*.sqlite.test.ts', 'test/systemd-unit.test.ts', 'test/e2e/**'],
    env: { BASTION_TEST_DATABASE_URL: postgresUrl },
    // Once, before any file: an unreachable server is one clear error, not a failure in every test.
    globalSetup: ['test/support/postgres-reachable.ts', responseCheck],
  },
};

export default defineConfig({
  test: {
    // Both projects share one pool, so running both does not raise the number of workers.
    projects: postgresUrl ? [sqlite, postgres] : [sqlite],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    setupFiles: ['test/support/response-recording.setup.ts'],
    // The check reads every recorded response after the last file; the default 10 s could cut it short.
    teardownTimeout: 60_000,
  },
});
