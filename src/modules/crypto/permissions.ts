import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';

export const cryptoPermissions: PermissionDefinition[] = [
  {
    name: 'crypto.keys.read',
    description: 'List the data-encryption keys: purposes, versions, states and row counts (never key material).',
    roles: ['security-officer', 'auditor'],
    console: true,
  },
  {
    name: 'crypto.keys.rotate',
    description: 'Rotate the data-encryption keys (re-encrypting every field) or re-wrap them under a new KEK.',
    roles: ['security-officer'],
    console: true,
  },
];
