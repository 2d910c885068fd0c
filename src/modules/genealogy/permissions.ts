import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';

export const genealogyPermissions: PermissionDefinition[] = [
  {
    name: 'genealogy.read',
    description: 'Read lots and trace them backward and forward.',
    roles: ['operator', 'supervisor', 'process-engineer', 'quality', 'maintenance', 'auditor'],
    console: true,
  },
  { name: 'genealogy.receive', description: 'Receive supplier lots.', roles: ['supervisor', 'operator'] },
  {
    name: 'genealogy.produce',
    description: 'Consume lots into an order and produce output lots.',
    roles: ['operator', 'supervisor'],
  },
  { name: 'genealogy.hold', description: 'Put lots on hold and release them.', roles: ['quality'] },
];
