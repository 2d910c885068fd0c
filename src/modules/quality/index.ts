/** The public surface of the quality module: what other modules, the CLI and app/ may use. */
export { type QualityTables } from './schema.js';
