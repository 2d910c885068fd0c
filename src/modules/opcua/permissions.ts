import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';

export const opcuaPermissions: PermissionDefinition[] = [
  {
    name: 'opcua.read',
    description: 'Read OPC UA connections, their status and the server certificates Bastion has seen.',
    roles: ['maintenance', 'process-engineer', 'auditor', 'security-officer'],
    console: true,
  },
  {
    name: 'opcua.manage',
    description: 'Define OPC UA connections and trust or reject OPC UA server certificates.',
    roles: ['security-officer'],
    // The local console (who can read the data directory, and so the PKI folder) approves certificates too.
    console: true,
  },
  { name: 'opcua.batch', description: 'Commit a batch of OPC UA samples and chain its Merkle root (system only).' },
];
