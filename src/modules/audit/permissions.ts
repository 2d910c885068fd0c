import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';

export const auditPermissions: PermissionDefinition[] = [
  { name: 'audit.read', description: 'List and read audit records, proofs and checkpoints.', console: true },
  { name: 'audit.verify', description: 'Verify the whole audit log against its chain and checkpoints.', console: true },
  { name: 'audit.export', description: 'Export the audit log.', console: true },
];
