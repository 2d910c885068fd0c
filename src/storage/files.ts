import { join } from 'node:path';
import type { BastionConfig } from '../kernel/config/schema.js';

/** Where the SQLite database of a data directory lives (a path only: opening it is open.ts's job). */
export function sqliteFile(config: BastionConfig): string {
  return join(config.dataDir, 'bastion.db');
}
