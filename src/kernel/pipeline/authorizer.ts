import type { ErrorCodeWithStatus } from '../error-codes.js';
import type { PermissionCatalog } from './permissions.js';
import type { AccessDecision, AccessRequest, Actor, Authorizer } from './types.js';

const allow: AccessDecision = { allowed: true };
const deny = (reason: string, code?: ErrorCodeWithStatus<401 | 403>): AccessDecision => ({
  allowed: false,
  reason,
  code,
});

/** Permissions open to an account whose one-time password must still be replaced. */
export const PASSWORD_CHANGE_PERMISSIONS = new Set([
  'identity.password.change',
  'identity.session.end',
  'identity.me.read',
]);

/**
 * The kernel's own authorizer, used when no module supplies one (the identity module does) and for the
 * console's permissions: deny by default; the system may run internal commands only; public
 * permissions for everyone; console permissions for the local operator; everything else for the bootstrap
 * administrator alone, and only after the one-time password has been changed.
 */
export class BootstrapAuthorizer implements Authorizer {
  constructor(private readonly catalog: PermissionCatalog) {}

  // Nothing here waits or throws; the interface is asynchronous for authorizers that read grants.
  authorize({ actor, permission, command }: AccessRequest): Promise<AccessDecision> {
    return Promise.resolve(this.decide(actor, permission, command));
  }

  private decide(actor: Actor, permission: string, command: AccessRequest['command']): AccessDecision {
    const definition = this.catalog.get(permission);
    if (!definition) return deny(`permission ${permission} is not declared`);
    if (command?.internal) return actor.kind === 'system' ? allow : deny('internal command');
    if (actor.kind === 'system') return deny('the system actor runs internal commands only');
    if (definition.public) return allow;
    if (actor.kind === 'console') return definition.console ? allow : deny('not a console permission');
    if (actor.kind !== 'user' || !actor.bootstrap) return deny('no role grants this permission');
    if (actor.mustChangePassword && !PASSWORD_CHANGE_PERMISSIONS.has(permission)) {
      return deny('the one-time password must be changed first', 'password_change_required');
    }
    return allow;
  }
}
