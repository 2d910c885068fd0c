import type { Clock } from '../../kernel/clock.js';
import type { ErrorCodeWithStatus } from '../../kernel/error-codes.js';
import type { PermissionCatalog, PermissionDefinition } from '../../kernel/pipeline/permissions.js';
import type { AccessDecision, AccessRequest, Actor, Authorizer, RoleGrant } from '../../kernel/pipeline/types.js';
import { EVERYWHERE, type ReadScopes } from '../../kernel/scopes.js';
import type { ReadDb } from '../../kernel/store.js';
import type { Database } from './db.js';
import { ADMINISTRATOR } from './roles.js';
import { confineToLine, covers, ENTERPRISE } from './scope.js';

const allow = (via?: string): AccessDecision => ({ allowed: true, via });
const deny = (reason: string, code?: ErrorCodeWithStatus<401 | 403>, status?: 401 | 403): AccessDecision => ({
  allowed: false,
  reason,
  code,
  status,
});

/** What an account may still do before its one-time password is replaced. */
const PASSWORD_CHANGE = new Set(['identity.password.change', 'identity.session.end', 'identity.me.read']);
/** What a session may do while its second factor is awaited. */
const MFA_PENDING = new Set(['identity.mfa.manage', 'identity.session.end', 'identity.me.read']);
/** What an account whose role needs a second factor may do before it has enrolled one. */
const MFA_ENROLMENT = new Set([
  'identity.mfa.manage',
  'identity.session.end',
  'identity.me.read',
  'identity.password.change',
]);

/**
 * Grants and overrides as they apply in the actor's session: at a shop-floor terminal, only within its line
 * (authentication confines the grants already; overrides are read here, so they are confined here too).
 */
function withinTerminal<G extends { scope: string }>(actor: Actor, grants: readonly G[]): G[] {
  return actor.terminal ? confineToLine(grants, actor.terminal.line) : [...grants];
}

export function grantHolds(grant: RoleGrant, permission: PermissionDefinition): boolean {
  if (grant.permissions) return grant.permissions.includes(permission.name);
  return grant.role === ADMINISTRATOR || (permission.roles?.includes(grant.role) ?? false);
}

/**
 * IEC 62443-3-3 SR 2.1: every command and query is checked here. Deny by default; the system runs internal
 * commands only; public permissions for all; the console its console permissions; an account its own
 * self-service permissions; anything else only through a role granted at a scope covering the target
 * (inherited down the plant hierarchy), or through a live supervisor override.
 */
export class RoleAuthorizer implements Authorizer {
  constructor(
    private readonly catalog: PermissionCatalog,
    private readonly db: ReadDb<Database>,
    private readonly clock: Clock,
  ) {}

  async authorize({ actor, permission, command, input, scope, anyScope }: AccessRequest): Promise<AccessDecision> {
    const definition = this.catalog.get(permission);
    if (!definition) return deny(`permission ${permission} is not declared`);
    if (command?.internal) return actor.kind === 'system' ? allow() : deny('internal command');
    if (actor.kind === 'system') return deny('the system actor runs internal commands only');
    if (definition.public) return allow();
    if (actor.kind === 'console') return definition.console ? allow() : deny('not a console permission');
    if (actor.kind === 'anonymous') return deny('authentication required', 'unauthenticated', 401);
    const gate = this.sessionGate(actor, permission);
    if (gate) return gate;
    if (definition.everyone) return allow();
    const target = scope ?? command?.scope?.(input) ?? ENTERPRISE;
    const grant = withinTerminal(actor, actor.grants ?? []).find(
      (g) => grantHolds(g, definition) && (anyScope || covers(g.scope, target)),
    );
    if (grant) return allow(`role ${grant.role} at ${grant.scope}`);
    const override = await this.liveOverride(actor, permission, anyScope ? undefined : target);
    if (override !== undefined && override !== '') return allow(`override ${override}`);
    return deny(`no role grants ${permission} at ${target}`);
  }

  /**
   * Where the actor may read with `permission`: everywhere when the enterprise-wide check passes (a grant at
   * '/', the console, a public or self-service permission), else the scopes of its grants and live overrides
   * holding it. A session that must first change its password or verify its second factor reads nowhere.
   */
  async readScopes(actor: Actor, permission: string): Promise<ReadScopes> {
    if ((await this.authorize({ actor, permission })).allowed) return EVERYWHERE;
    const definition = this.catalog.get(permission);
    const nowhere: ReadScopes = { everywhere: false, paths: [] };
    if (!definition || (actor.kind !== 'user' && actor.kind !== 'service' && actor.kind !== 'device')) return nowhere;
    if (this.sessionGate(actor, permission)) return nowhere;
    const granted = withinTerminal(actor, actor.grants ?? [])
      .filter((g) => grantHolds(g, definition))
      .map((g) => g.scope);
    const overrides = withinTerminal(
      actor,
      await this.db
        .selectFrom('overrides')
        .select('scope')
        .where('user_id', '=', actor.id)
        .where('permission', '=', permission)
        .where('expires_at', '>', this.clock.now())
        .execute(),
    );
    return { everywhere: false, paths: [...new Set([...granted, ...overrides.map((o) => o.scope)])].sort() };
  }

  private sessionGate(actor: AccessRequest['actor'], permission: string): AccessDecision | undefined {
    if (actor.mustChangePassword && !PASSWORD_CHANGE.has(permission)) {
      return deny('the one-time password must be changed first', 'password_change_required');
    }
    if (actor.mfa === 'pending' && !MFA_PENDING.has(permission))
      return deny('the second factor must be verified first', 'mfa_required');
    if (actor.mfa === 'enrolment-required' && !MFA_ENROLMENT.has(permission)) {
      return deny('a role of this account needs a second factor: enrol one first', 'mfa_enrolment_required');
    }
    return undefined;
  }

  private async liveOverride(
    actor: Actor,
    permission: string,
    target: string | undefined,
  ): Promise<string | undefined> {
    const rows = await this.db
      .selectFrom('overrides')
      .select(['id', 'scope'])
      .where('user_id', '=', actor.id)
      .where('permission', '=', permission)
      .where('expires_at', '>', this.clock.now())
      .execute();
    return withinTerminal(actor, rows).find((row) => target === undefined || covers(row.scope, target))?.id;
  }
}
