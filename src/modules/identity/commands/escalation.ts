import { ForbiddenError, NotFoundError } from '../../../kernel/errors.js';
import type { PermissionCatalog, PermissionDefinition } from '../../../kernel/pipeline/permissions.js';
import type { Actor, CommandContext, RoleGrant } from '../../../kernel/pipeline/types.js';
import type { ReadDb } from '../../../kernel/store.js';
import type { Database } from '../db.js';
import { grantHolds } from '../authorizer.js';
import { ADMINISTRATOR, builtInRole } from '../roles.js';
import { covers, ENTERPRISE } from '../scope.js';
import { grantsOf } from '../sessions.js';

/** Every check here only reads: it runs on the command's transaction or, for `approvals`, outside any. */
type Db = ReadDb<Database>;

/**
 * The permissions a role carries: custom roles list theirs, built-in roles take them from the catalog. A name
 * the catalog does not declare (a role stored before names were checked) confers nothing, since the authorizer
 * denies undeclared permissions, so it is left out rather than failing every command that looks at the role.
 */
export async function permissionsOfRole(db: Db, catalog: PermissionCatalog, role: string) {
  const custom = await db.selectFrom('custom_roles').select('permissions').where('name', '=', role).executeTakeFirst();
  if (custom) return (JSON.parse(custom.permissions) as string[]).flatMap((name) => catalog.get(name) ?? []);
  if (!builtInRole(role)) throw new NotFoundError(`No role ${role}.`);
  const grant: RoleGrant = { role, scope: ENTERPRISE };
  return catalog.list().filter((p) => !p.public && !p.everyone && grantHolds(grant, p));
}

/**
 * Privileged roles (those that need a second factor, and every custom role) can change recipes, accounts,
 * keys or security settings: only someone who holds all their permissions may grant them. Shop-floor and
 * reading roles can be granted by any holder of the granting permission at the scope.
 */
function privileged(role: string): boolean {
  return builtInRole(role)?.mfaRequired ?? true;
}

/** The first of `permissions` that `actor` does not hold at `scope` (the console is the host's operator: none). */
async function firstMissing(db: Db, actor: Actor, permissions: PermissionDefinition[], scope: string, now: number) {
  if (actor.kind === 'console') return undefined;
  const mine = await grantsOf(db, actor.id, now);
  return permissions.find((p) => !mine.some((g) => grantHolds(g, p) && covers(g.scope, scope)));
}

const escalation = (what: string, missing: PermissionDefinition, scope: string) =>
  new ForbiddenError(`You cannot ${what}: you do not hold ${missing.name} at ${scope}.`, 'privilege_escalation');

/** No escalation: `permissions` can be used on others at `scope` only by someone who holds them all there. */
export async function assertHoldsAll(
  ctx: CommandContext,
  permissions: PermissionDefinition[],
  scope: string,
  what: string,
) {
  const missing = await firstMissing(ctx.tx, ctx.actor, permissions, scope, ctx.now);
  if (missing) throw escalation(what, missing, scope);
}

/**
 * The one no-escalation rule: what it takes to give `grant` to anyone. The acting permission at the grant's
 * scope and, for a privileged role, every permission of the role there. Returns the refusal, if any.
 */
async function grantRefusal(
  db: Db,
  catalog: PermissionCatalog,
  actor: Actor,
  grant: { role: string; scope: string },
  permission: string,
  now: number,
  what: string,
): Promise<ForbiddenError | undefined> {
  const demands = [catalog.require(permission, what)];
  if (privileged(grant.role)) demands.push(...(await permissionsOfRole(db, catalog, grant.role)));
  const missing = await firstMissing(db, actor, demands, grant.scope, now);
  return missing && escalation(what, missing, grant.scope);
}

export async function assertMayGrant(ctx: CommandContext, catalog: PermissionCatalog, role: string, scope: string) {
  const refusal = await grantRefusal(
    ctx.tx,
    catalog,
    ctx.actor,
    { role, scope },
    'identity.grants.manage',
    ctx.now,
    `grant ${role}`,
  );
  if (refusal) throw refusal;
}

/**
 * Acting on an account (resetting its password or second factor, disabling, expiring, unlocking, enabling it,
 * ending its sessions, revoking its roles) hands its powers to whoever acts, so it takes what granting them
 * takes: for every role the account holds, the right to grant that role where the account holds it. A
 * security officer can thus manage shop-floor accounts and peers, but never take over an administrator.
 */
async function actingRefusal(
  db: Db,
  catalog: PermissionCatalog,
  actor: Actor,
  targetId: string,
  act: AccountAct,
  now: number,
) {
  for (const grant of await grantsOf(db, targetId, now)) {
    const refusal = await grantRefusal(db, catalog, actor, grant, act.permission, now, `${act.what} this account`);
    if (refusal) return refusal;
  }
  return undefined;
}

const holdsAdministrator = async (db: Db, userId: string, now: number) =>
  (await grantsOf(db, userId, now)).some((g) => g.role === ADMINISTRATOR);

/** What a command does to an account, for its checks and messages. */
export interface AccountAct {
  /** The verb, e.g. "reset the password of". */
  what: string;
  /** The command's permission: the actor must hold it wherever the account holds a role. */
  permission: string;
  /** An administrative reset that is never done to oneself (self-service has its own commands). */
  notOnSelf?: boolean;
}

/**
 * Dual control for acting on an administrator's account (by another account; the console is the recovery
 * path). Held only when it could run: a request the actor could never carry out is refused at once.
 */
export function accountApprovals(catalog: PermissionCatalog, act: AccountAct) {
  return async (input: { userId: string }, actor: Actor, read: { db: Db; now: number }): Promise<number> => {
    if (actor.kind === 'console' || input.userId === actor.id) return 0;
    if (!(await holdsAdministrator(read.db, input.userId, read.now))) return 0;
    return (await actingRefusal(read.db, catalog, actor, input.userId, act, read.now)) ? 0 : 1;
  };
}

/** A second administrator must approve: at least one approver holds the administrator role for the enterprise. */
export async function assertAdministratorApproved(ctx: CommandContext, subject: string) {
  for (const approver of ctx.approvedBy) {
    const grants = await grantsOf(ctx.tx, approver, ctx.now);
    if (grants.some((g) => g.role === ADMINISTRATOR && g.scope === ENTERPRISE)) return;
  }
  throw new ForbiddenError(`${subject} needs the approval of another administrator.`, 'dual_control');
}

/** Every check on acting on another account, in the command's transaction, before anything is written. */
export async function assertMayActOn(
  ctx: CommandContext,
  catalog: PermissionCatalog,
  targetId: string,
  act: AccountAct,
) {
  if (act.notOnSelf && targetId === ctx.actor.id)
    throw new ForbiddenError(
      `You cannot ${act.what} your own account: another account manager must, or use your own settings.`,
      'separation_of_duties',
    );
  const refusal = await actingRefusal(ctx.tx, catalog, ctx.actor, targetId, act, ctx.now);
  if (refusal) throw refusal;
  if (
    ctx.actor.kind !== 'console' &&
    targetId !== ctx.actor.id &&
    (await holdsAdministrator(ctx.tx, targetId, ctx.now))
  )
    await assertAdministratorApproved(ctx, "Acting on an administrator's account");
}
