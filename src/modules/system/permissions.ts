import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';

export const systemPermissions: PermissionDefinition[] = [
  { name: 'system.lifecycle', description: 'Record start, stop and configuration changes (system only).' },
  { name: 'system.health', description: 'Liveness and readiness probes.', public: true },
  { name: 'system.api-docs', description: 'Read the OpenAPI description of the API.', public: true },
  { name: 'system.ui', description: 'Load the browser page (its data calls are authorised one by one).', public: true },
  { name: 'system.init', description: 'Initialise a data directory.', console: true },
  { name: 'system.serve', description: 'Run the Bastion server.', console: true },
  {
    name: 'system.demo',
    description: 'Seed the demonstration plant, and wipe and re-seed a demo data directory.',
    console: true,
  },
  {
    name: 'system.simulate',
    description: 'Run simulated machines against a broker (they authenticate as a registered device).',
    console: true,
  },
];
