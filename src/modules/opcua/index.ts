/** The public surface of the opcua module: what other modules, the CLI and app/ may use. */
export { type OpcUaTables } from './schema.js';
