/** The public surface of the ingest module: what other modules, the CLI and app/ may use. */
export { startIngest, type IngestOptions, type RunningIngest } from './broker.js';
export { startExternalIngest, type ExternalIngest } from './external.js';
export { type IngestTables } from './schema.js';
