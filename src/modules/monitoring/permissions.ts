import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';

export const monitoringPermissions: PermissionDefinition[] = [
  {
    name: 'monitoring.events.read',
    description: 'Search security events.',
    roles: ['security-officer', 'auditor'],
    console: true,
  },
  {
    name: 'monitoring.alerts.read',
    description: 'List alerts and the security posture.',
    roles: ['security-officer', 'auditor'],
    console: true,
  },
  {
    name: 'monitoring.alerts.manage',
    description: 'Acknowledge and escalate alerts.',
    roles: ['security-officer'],
    console: true,
  },
  {
    name: 'monitoring.rules.read',
    description: 'List the detection rules and their tuning.',
    roles: ['security-officer', 'auditor'],
    console: true,
  },
  {
    name: 'monitoring.rules.tune',
    description: 'Tune a detection rule: enable or disable it, its threshold, window, severity and parameters.',
    roles: ['security-officer'],
    console: true,
  },
  {
    name: 'monitoring.incidents.read',
    description: 'List and read incidents with their timelines and playbooks.',
    roles: ['security-officer', 'auditor'],
    console: true,
  },
  {
    name: 'monitoring.incidents.manage',
    description: 'Open, work on (notes, actions, playbook steps, owner) and close incidents.',
    roles: ['security-officer'],
    console: true,
  },
  {
    name: 'monitoring.metrics.read',
    description: 'Read the Prometheus metrics at /metrics with a session (when no scrape token is configured).',
    roles: ['security-officer', 'auditor'],
    console: true,
  },
  {
    name: 'monitoring.metrics.scrape',
    description:
      'Scrape /metrics with the bearer token of monitoring.metrics.tokenFile: public as no session stands behind a ' +
      'scraper, the route itself refuses (401) a missing or wrong token.',
    public: true,
  },
];
