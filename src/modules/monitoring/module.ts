import type { BastionModule } from '../../kernel/module.js';
import { acknowledgeAlert, escalateAlert, escalateOverdue, raiseAlert } from './alerts/commands.js';
import { monitoringCatalog } from './catalog.js';
import { incidentCommands } from './incidents/commands.js';
import { openIncidentCommand } from './incidents/open.js';
import { incidentRoutes } from './incidents/routes.js';
import { metricsRoute } from './metrics/route.js';
import { monitoringPermissions } from './permissions.js';
import { postureRoute } from './posture/route.js';
import { tuneRule } from './rules/commands.js';
import { monitoringRoutes } from './routes.js';
import { monitoringMigrations, type MonitoringTables } from './schema.js';
import type { ReadDb } from '../../kernel/store.js';

/**
 * Monitoring: security events from every module (events/), detection rules as data (rules/), alerts with their
 * outbox, acknowledgement and escalation (alerts/). The recorder runs in every process (app/bastion.ts), the
 * detector in `bastion serve` (detector.ts).
 */
export const monitoringModule: BastionModule = {
  name: 'monitoring',
  catalog: monitoringCatalog,
  migrations: monitoringMigrations,
  permissions: monitoringPermissions,
  commands(context) {
    const config = context.config.monitoring;
    return [
      ...[raiseAlert(config), acknowledgeAlert, escalateAlert(config), escalateOverdue(config), tuneRule],
      ...[openIncidentCommand, ...incidentCommands],
    ];
  },
  routes(app, context) {
    monitoringRoutes(app, context);
    incidentRoutes(app, context.db as ReadDb<MonitoringTables>);
    metricsRoute(app, context);
    postureRoute(app, context);
  },
};
