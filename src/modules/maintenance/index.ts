/** The public surface of the maintenance module: what other modules, the CLI and app/ may use. */
export { type MaintenanceTables } from './schema.js';
