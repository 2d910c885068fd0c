import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';

const everyoneOnTheFloor = ['operator', 'supervisor', 'process-engineer', 'quality', 'maintenance', 'auditor'];

export const productionPermissions: PermissionDefinition[] = [
  {
    name: 'production.definitions.read',
    description: 'Read materials, bills of materials and routings.',
    roles: everyoneOnTheFloor,
  },
  {
    name: 'production.materials.manage',
    description: 'Create and change material definitions.',
    roles: ['process-engineer'],
  },
  {
    name: 'production.definitions.manage',
    description: 'Draft and release product versions (BOM and routing).',
    roles: ['process-engineer'],
  },
];
