import { builtInRoles } from '../../identity/index.js';
import type { PostureDb } from './facts.js';

/** The built-in roles whose holders must use a second factor (identity's roles.ts). */
const MFA_ROLES = builtInRoles.filter((r) => r.mfaRequired).map((r) => r.name);
const DAY = 24 * 60 * 60 * 1000;
export const EXPIRING_WITHIN_DAYS = 14;

const live = (db: PostureDb) =>
  db.selectFrom('users').where('users.disabled', '=', 0).where('users.erased_at', 'is', null);

/**
 * Accounts holding (now: not revoked, not expired) a role that demands a second factor, and how many of them have
 * one enrolled. A privileged account without it can still log in once, to enrol: that is the gap shown here.
 */
export async function mfaCoverage(db: PostureDb, now: number): Promise<{ privileged: number; enrolled: number }> {
  const rows = await live(db)
    .innerJoin('role_grants', 'role_grants.user_id', 'users.id')
    .where('role_grants.role', 'in', MFA_ROLES)
    .where('role_grants.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('role_grants.expires_at', 'is', null), eb('role_grants.expires_at', '>', now)]))
    .select(['users.id', 'users.totp_enabled'])
    .distinct()
    .execute();
  return { privileged: rows.length, enrolled: rows.filter((r) => Number(r.totp_enabled) === 1).length };
}

/** Enabled accounts whose expiry (vendors always have one) falls within the next 14 days. */
export async function expiringAccounts(db: PostureDb, now: number): Promise<number> {
  const row = await live(db)
    .where('users.expires_at', '>', now)
    .where('users.expires_at', '<=', now + EXPIRING_WITHIN_DAYS * DAY)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
