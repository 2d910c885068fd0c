import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';

export const privacyPermissions: PermissionDefinition[] = [
  {
    name: 'privacy.catalog.read',
    description: 'List the data catalogue: every table and column with its data class, categories and protection.',
    roles: ['security-officer', 'auditor'],
    console: true,
  },
  {
    // Asked by the response layer (http/masking.ts), not by a route: without it, staff's personal data is masked.
    name: 'privacy.personal.read',
    description: "See people's personal data (display names) in answers; without it they are masked.",
    roles: ['security-officer'],
    console: true,
  },
];
