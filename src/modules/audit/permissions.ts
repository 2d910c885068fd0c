import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';

export const auditPermissions: PermissionDefinition[] = [
  {
    name: 'audit.read',
    description: 'List and read audit records, proofs and checkpoints.',
    console: true,
    roles: ['auditor', 'security-officer'],
  },
  {
    name: 'audit.verify',
    description: 'Verify the whole audit log against its chain and checkpoints.',
    console: true,
    roles: ['auditor', 'security-officer'],
  },
  { name: 'audit.export', description: 'Export the audit log.', console: true, roles: ['auditor'] },
  { name: 'audit.witness', description: 'Record that a witness failed or recovered (system only).' },
];
