import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';

export const identityPermissions: PermissionDefinition[] = [
  { name: 'identity.session.create', description: 'Log in with a user name and password.', public: true },
  { name: 'identity.session.end', description: 'Log out of the current session.' },
  { name: 'identity.password.change', description: "Change one's own password." },
  { name: 'identity.me.read', description: "Read one's own account and session." },
  { name: 'identity.bootstrap', description: 'Create the bootstrap administrator (system only).' },
];
