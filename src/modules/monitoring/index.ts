/** The monitoring module's public surface. */
export { monitoringModule } from './module.js';
export { SecurityEventRecorder } from './events/recorder.js';
export type { SecurityEvent } from './events/model.js';
export { Detector } from './detector.js';
export { ALERT_ACKNOWLEDGED, ALERT_ESCALATED, ALERT_RAISED } from './alerts/commands.js';
export { DEFAULT_RULES } from './rules/defaults.js';
export { pageAlerts } from './routes.js';
export { getIncident, pageIncidents } from './incidents/routes.js';
export { PLAYBOOKS } from './incidents/playbooks.js';
export type { IncidentView } from './incidents/views.js';
export type { AlertView } from './alerts/views.js';
export type { MonitoringTables } from './schema.js';
export { DeliveryWorker } from './notify/worker.js';
export { buildNotifiers } from './notify/notifiers.js';
