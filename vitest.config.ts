import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    // Every response the suite receives is checked against the OpenAPI document once all files have run.
    globalSetup: ['test/support/response-check.global.ts'],
    setupFiles: ['test/support/response-recording.setup.ts'],
    // The check reads every recorded response after the last file; the default 10 s could cut it short.
    teardownTimeout: 60_000,
  },
});
