/** The public surface of the production module: what other modules, the CLI and app/ may use. */
export { definitionsOf, materialByCode, materialCode, unit } from './definitions.js';
export { bookingTarget, operationsOf, runningOrderAt } from './order-queries.js';
export { type AttachmentTables, type OrderTables, type ProductionTables } from './schema.js';
