import type { IdentityTables } from '../../identity/index.js';
import { commandsOn } from '../../../kernel/pipeline/types.js';
import type { MonitoringTables } from '../schema.js';

/** Incidents write monitoring's tables and read identity's `users` (an owner must be an existing account). */
export interface IncidentTables extends MonitoringTables {
  users: Pick<IdentityTables['users'], 'id' | 'username'>;
}

export const defineIncidentCommand = commandsOn<IncidentTables>();
