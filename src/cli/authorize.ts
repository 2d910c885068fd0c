import { CONSOLE_ACTOR } from '../kernel/actors.js';
import { allModules } from '../app/registry.js';
import { BootstrapAuthorizer } from '../kernel/pipeline/authorizer.js';
import { PermissionCatalog } from '../kernel/pipeline/permissions.js';
import { CliError, ExitCode } from './io.js';

/** Every CLI verb names a permission; the local console holds only those declared `console`. */
export class ConsoleAuthorizer {
  private readonly catalog = new PermissionCatalog();

  constructor() {
    this.catalog.register(...allModules().flatMap((m) => m.permissions));
  }

  async require(permission: string): Promise<void> {
    const decision = await new BootstrapAuthorizer(this.catalog).authorize({ actor: CONSOLE_ACTOR, permission });
    if (!decision.allowed) throw new CliError(`not allowed: ${decision.reason}`, ExitCode.failure);
  }

  declared(permission: string): boolean {
    return this.catalog.get(permission) !== undefined;
  }
}
