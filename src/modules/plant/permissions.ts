import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';

export const plantPermissions: PermissionDefinition[] = [
  {
    name: 'plant.read',
    description: 'Read the plant hierarchy (enterprise, sites, areas, lines, cells, equipment).',
    everyone: true,
  },
  {
    name: 'plant.manage',
    description: 'Create, change, retire and import nodes of the plant hierarchy.',
    roles: ['process-engineer'],
    console: true,
  },
];
