import { subscribe } from 'node:diagnostics_channel';
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, inject } from 'vitest';
import { fileSink } from './response-files.js';
import { recordResponses } from './response-recorder.js';

/**
 * A vitest setup file: every Fastify app built in this worker records its responses for the OpenAPI check
 * (test/support/response-check.global.ts). fastify announces each new instance on the `fastify.initialization`
 * diagnostics channel, so no test and no builder changes: `buildHttpApp` from a test or from a helper alike.
 */
interface WorkerState {
  subscribed?: boolean;
  testFile?: string;
}
// Setup files run again for every test file a worker takes: one subscription per process, not per file.
const key = Symbol.for('bastion.test.response-recording');
const state = ((globalThis as Record<symbol, WorkerState | undefined>)[key] ??= {});

beforeAll(() => {
  state.testFile = expect.getState().testPath?.replace(/^.*\/(test|src)\//, '$1/');
});

if (state.subscribed !== true) {
  state.subscribed = true;
  const sink = fileSink(inject('responseRecordDir'), () => state.testFile);
  subscribe('fastify.initialization', (message) => {
    recordResponses((message as { fastify: FastifyInstance }).fastify, sink);
  });
}

declare module 'vitest' {
  export interface ProvidedContext {
    responseRecordDir: string;
  }
}
