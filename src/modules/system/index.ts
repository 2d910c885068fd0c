/** The public surface of the system module: what other modules, the CLI and app/ may use. */
export { systemStop } from './commands.js';
