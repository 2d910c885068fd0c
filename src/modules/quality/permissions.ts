import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';

export const qualityPermissions: PermissionDefinition[] = [
  {
    name: 'quality.read',
    description: 'Read inspection plans, results, non-conformance reports and control charts.',
    roles: ['operator', 'supervisor', 'process-engineer', 'quality', 'maintenance', 'auditor'],
    console: true,
  },
  { name: 'quality.plans.manage', description: 'Define inspection plans.', roles: ['quality', 'process-engineer'] },
  { name: 'quality.inspect', description: 'Record inspection results.', roles: ['quality', 'operator'] },
  {
    name: 'quality.ncr.manage',
    description: 'Open non-conformance reports and disposition them (use-as-is needs a second approver).',
    roles: ['quality'],
  },
];
