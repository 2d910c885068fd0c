/** The public surface of the genealogy module: what other modules, the CLI and app/ may use. */
export { holdLot, lotByNumber, lotNumber, releaseLot, scrapLot, type LotRow } from './commands.js';
export { type GenealogyTables, type SerialTables } from './schema.js';
export { trace, traceCsv, type Trace } from './trace.js';
