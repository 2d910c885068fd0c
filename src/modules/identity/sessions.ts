import type { Kysely } from 'kysely';
import { sha256Hex } from '../../kernel/digest.js';
import type { Actor, Authenticated, RoleGrant } from '../../kernel/pipeline/types.js';
import type { ReadDb } from '../../kernel/store.js';
import type { Database } from './db.js';
import { preparedQuery } from '../../storage/prepared.js';
import { builtInRole } from './roles.js';
import { confineToLine } from './scope.js';

export const hashToken = (token: string): string => sha256Hex(token);

/** Session activity is recorded at most once a minute, so the idle timeout is exact to the minute. */
export const TOUCH_INTERVAL_MS = 60_000;

export interface SessionPolicy {
  idleMs: number;
  /** The shorter idle timeout of a session opened by badge at a shop-floor terminal (default 5 minutes). */
  terminalIdleMs?: number;
}

/** Role grants in force for a user, with the permissions of custom roles resolved. */
export async function grantsOf(db: ReadDb<Database>, userId: string, now: number): Promise<RoleGrant[]> {
  const rows = await db
    .selectFrom('role_grants')
    .leftJoin('custom_roles', 'custom_roles.name', 'role_grants.role')
    .select(['role_grants.role', 'role_grants.scope', 'custom_roles.permissions'])
    .where('role_grants.user_id', '=', userId)
    .where('role_grants.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('role_grants.expires_at', 'is', null), eb('role_grants.expires_at', '>', now)]))
    .execute();
  return rows.map((row) => ({
    role: row.role,
    scope: row.scope,
    ...(row.permissions !== null && row.permissions !== ''
      ? { permissions: JSON.parse(row.permissions) as string[] }
      : {}),
  }));
}

/** A second factor is needed by holders of privileged roles and by every vendor account. */
export function mfaRequired(grants: RoleGrant[], vendor: boolean): boolean {
  return vendor || grants.some((grant) => builtInRole(grant.role)?.mfaRequired ?? false);
}

/**
 * Session, account and grants in one round trip (a left join: one row per grant), built once per database.
 * This runs on every authenticated request.
 */
const sessionQuery = preparedQuery(
  (db: Kysely<Database>, tokenHash, now) =>
    db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .leftJoin('role_grants', (join) =>
        join
          .onRef('role_grants.user_id', '=', 'users.id')
          .on('role_grants.revoked_at', 'is', null)
          .on((eb) =>
            eb.or([
              eb('role_grants.expires_at', 'is', null),
              eb('role_grants.expires_at', '>', now as unknown as number),
            ]),
          ),
      )
      .leftJoin('custom_roles', 'custom_roles.name', 'role_grants.role')
      .leftJoin('terminals', 'terminals.id', 'sessions.terminal_id')
      .select([
        'sessions.id as sessionId',
        'sessions.terminal_id',
        'terminals.name as terminalName',
        'terminals.line as terminalLine',
        'terminals.revoked_at as terminalRevokedAt',
        'sessions.expires_at',
        'sessions.revoked_at',
        'sessions.last_seen_at',
        'sessions.mfa_verified_at',
        'sessions.csrf_hash',
        'users.id as userId',
        'users.kind',
        'users.vendor',
        'users.is_bootstrap',
        'users.must_change_password',
        'users.disabled',
        'users.expires_at as accountExpiresAt',
        'users.totp_enabled',
        'role_grants.role',
        'role_grants.scope',
        'custom_roles.permissions',
      ])
      .where('sessions.token_hash', '=', tokenHash),
  2,
);

/** The actor a session token stands for, or undefined when unknown, revoked, idle, expired or disabled. */
export async function authenticate(
  db: ReadDb<Database>,
  token: string,
  now: number,
  policy: SessionPolicy,
): Promise<Authenticated | undefined> {
  const rows = await sessionQuery(db, hashToken(token), now);
  const row = rows[0];
  if (!row || row.revoked_at !== null || row.expires_at <= now) return undefined;
  const terminal =
    row.terminal_id !== null
      ? { id: row.terminal_id, name: row.terminalName ?? '', line: row.terminalLine ?? '' }
      : undefined;
  const idleMs = terminal ? (policy.terminalIdleMs ?? 5 * 60_000) : policy.idleMs;
  if (row.last_seen_at + idleMs <= now) return undefined;
  // A terminal session ends with its terminal's identity, and fails closed if the terminal is gone.
  if (terminal && (row.terminalRevokedAt !== null || row.terminalLine === null)) return undefined;
  if (row.disabled === 1 || (row.accountExpiresAt !== null && row.accountExpiresAt <= now)) return undefined;
  const held: RoleGrant[] = rows
    .filter((r) => r.role !== null && r.scope !== null)
    .map((r) => ({
      role: r.role!,
      scope: r.scope!,
      ...(r.permissions !== null && r.permissions !== '' ? { permissions: JSON.parse(r.permissions) as string[] } : {}),
    }));
  const grants = terminal ? confineToLine(held, terminal.line) : held;
  // Badge (possession) and PIN (knowledge) are two factors: a terminal session has its second factor.
  const mfa: Actor['mfa'] = terminal
    ? 'verified'
    : row.totp_enabled === 1
      ? row.mfa_verified_at !== null
        ? 'verified'
        : 'pending'
      : mfaRequired(grants, row.vendor === 1)
        ? 'enrolment-required'
        : 'not-required';
  return {
    actor: {
      kind: row.kind === 'service' ? 'service' : row.kind === 'device' ? 'device' : 'user',
      id: row.userId,
      sessionId: row.sessionId,
      bootstrap: row.is_bootstrap === 1,
      mustChangePassword: !terminal && row.must_change_password === 1,
      grants,
      mfa,
      ...(terminal ? { terminal } : {}),
    },
    touchDue: now - row.last_seen_at >= TOUCH_INTERVAL_MS,
    csrfHash: row.csrf_hash,
  };
}
