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
  { name: 'production.orders.read', description: 'Read work orders and their operations.', roles: everyoneOnTheFloor },
  {
    name: 'production.orders.plan',
    description: 'Create, release, dispatch and close work orders.',
    roles: ['supervisor', 'process-engineer'],
    // The host's operator imports the ERP's orders (`bastion orders import`), e.g. from a scheduled job.
    console: true,
  },
  {
    name: 'production.orders.execute',
    description: 'Start, pause, resume and complete operations; report good and scrap.',
    roles: ['operator', 'supervisor'],
  },
];
