import type { PermissionDefinition } from '../../../kernel/pipeline/permissions.js';

export const subjectRequestPermissions: PermissionDefinition[] = [
  {
    name: 'privacy.subjects.export',
    description: 'Export everything held about a person (data-subject access request); audited and registered.',
    roles: ['security-officer'],
    console: true,
  },
  {
    name: 'privacy.subjects.erase',
    description: 'Request the erasure of a person (crypto-shredding); a second person must approve it.',
    roles: ['security-officer'],
    console: true,
  },
  {
    name: 'privacy.requests.read',
    description: 'Read the register of data-subject requests.',
    roles: ['security-officer', 'auditor'],
    console: true,
  },
];
