/** The public surface of the performance module: what other modules, the CLI and app/ may use. */
export { equipmentPath, recordState } from './commands.js';
export { partsMadeSince } from './queries.js';
export { type CounterTables, type PerformanceTables } from './schema.js';
export { applyTelemetry, type MachineSample, type TelemetryOutcome } from './telemetry.js';
