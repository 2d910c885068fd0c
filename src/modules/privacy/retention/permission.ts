import type { PermissionDefinition } from '../../../kernel/pipeline/permissions.js';
import { DISPOSE_PERMISSION } from './command.js';

/** For the privacy module's permissions.ts: the security officer disposes; the console may too (the CLI verb). */
export const disposePermission: PermissionDefinition = {
  name: DISPOSE_PERMISSION,
  description: 'Dispose of data past its retention rule (deletion, or crypto-shredding of former staff).',
  roles: ['security-officer'],
  console: true,
};
