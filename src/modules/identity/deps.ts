import type { BastionConfig } from '../../kernel/config/schema.js';
import type { PermissionCatalog } from '../../kernel/pipeline/permissions.js';
import type { SecretBox } from './secrets.js';

/** What identity commands need from configuration and the key store. */
export interface IdentityDeps {
  config: BastionConfig;
  secrets: SecretBox;
  permissions: PermissionCatalog;
}
