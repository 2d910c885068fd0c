import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';

export const performancePermissions: PermissionDefinition[] = [
  {
    name: 'performance.read',
    description: 'Read machine states, counts, OEE and down-time analyses.',
    roles: ['operator', 'supervisor', 'process-engineer', 'quality', 'maintenance', 'auditor'],
    console: true,
  },
  {
    name: 'performance.record',
    description: 'Record machine states (with down reasons) and part counts for equipment in scope.',
    roles: ['operator', 'supervisor', 'maintenance'],
  },
];
