import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';

export const maintenancePermissions: PermissionDefinition[] = [
  {
    name: 'maintenance.read',
    description: 'Read maintenance plans, orders and equipment history.',
    roles: ['operator', 'supervisor', 'process-engineer', 'quality', 'maintenance', 'auditor'],
    console: true,
  },
  {
    name: 'maintenance.request',
    description: 'Report a fault: open a corrective maintenance order.',
    roles: ['operator', 'supervisor', 'maintenance'],
  },
  {
    name: 'maintenance.manage',
    description: 'Plan preventive maintenance; start and complete maintenance orders.',
    roles: ['maintenance', 'supervisor'],
  },
];
