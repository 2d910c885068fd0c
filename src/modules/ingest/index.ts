/** The public surface of the ingest module: what other modules, the CLI and app/ may use. */
export { batchRoot } from './batch-root.js';
export { startIngest, type IngestOptions, type RunningIngest } from './broker.js';
export { startExternalIngest, type ExternalIngest } from './external.js';
export { defaultClientId } from './external-options.js';
export { decodeSparkplug, encodeSparkplug } from './payloads.js';
export { type IngestTables } from './schema.js';
