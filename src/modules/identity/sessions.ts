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
 * This runs on every authenticated request the session cache cannot answer.
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
        'role_grants.expires_at as grantExpiresAt',
        'custom_roles.permissions',
      ])
      .where('sessions.token_hash', '=', tokenHash),
  2,
);

/** A grant as a session holds it, with the time it lapses (null: never), checked on every request. */
type HeldGrant = RoleGrant & { expiresAt: number | null };

/**
 * What the database says of a session, its account and its grants: facts only, never a verdict. Time-bound
 * ones (expiry, idle, grant expiry) are judged by `sessionVerdict` at each request's own time, so a copy held
 * in the session cache ages exactly like the rows it came from.
 */
export interface SessionFacts {
  sessionId: string;
  userId: string;
  kind: string;
  vendor: boolean;
  bootstrap: boolean;
  mustChangePassword: boolean;
  disabled: boolean;
  accountExpiresAt: number | null;
  totpEnabled: boolean;
  mfaVerified: boolean;
  expiresAt: number;
  revoked: boolean;
  lastSeenAt: number;
  csrfHash: string;
  /** The terminal a badge session was opened at; `line` null when the terminal row is gone. */
  terminal?: { id: string; name: string; line: string | null; revoked: boolean };
  grants: HeldGrant[];
}

/** The session a token hash names, as stored now, or undefined when there is none. */
export async function loadSession(
  db: ReadDb<Database>,
  tokenHash: string,
  now: number,
): Promise<SessionFacts | undefined> {
  const rows = await sessionQuery(db, tokenHash, now);
  const row = rows[0];
  if (!row) return undefined;
  return {
    sessionId: row.sessionId,
    userId: row.userId,
    kind: row.kind,
    vendor: row.vendor === 1,
    bootstrap: row.is_bootstrap === 1,
    mustChangePassword: row.must_change_password === 1,
    disabled: row.disabled === 1,
    accountExpiresAt: row.accountExpiresAt,
    totpEnabled: row.totp_enabled === 1,
    mfaVerified: row.mfa_verified_at !== null,
    expiresAt: row.expires_at,
    revoked: row.revoked_at !== null,
    lastSeenAt: row.last_seen_at,
    csrfHash: row.csrf_hash,
    ...(row.terminal_id !== null
      ? {
          terminal: {
            id: row.terminal_id,
            name: row.terminalName ?? '',
            line: row.terminalLine,
            revoked: row.terminalRevokedAt !== null,
          },
        }
      : {}),
    grants: rows
      .filter((r) => r.role !== null && r.scope !== null)
      .map((r) => ({
        role: r.role!,
        scope: r.scope!,
        expiresAt: r.grantExpiresAt,
        ...(r.permissions !== null && r.permissions !== ''
          ? { permissions: JSON.parse(r.permissions) as string[] }
          : {}),
      })),
  };
}

/** Whether the session stands at `now`: not revoked, expired, idle, at a revoked terminal or of a closed account. */
function sessionStands(facts: SessionFacts, now: number, policy: SessionPolicy): boolean {
  if (facts.revoked || facts.expiresAt <= now) return false;
  const idleMs = facts.terminal ? (policy.terminalIdleMs ?? 5 * 60_000) : policy.idleMs;
  if (facts.lastSeenAt + idleMs <= now) return false;
  // A terminal session ends with its terminal's identity, and fails closed if the terminal is gone.
  if (facts.terminal && (facts.terminal.revoked || facts.terminal.line === null)) return false;
  return !facts.disabled && (facts.accountExpiresAt === null || facts.accountExpiresAt > now);
}

/** The actor a session stands for at `now`, or undefined when it does not stand. */
export function sessionVerdict(facts: SessionFacts, now: number, policy: SessionPolicy): Authenticated | undefined {
  if (!sessionStands(facts, now, policy)) return undefined;
  const terminal = facts.terminal
    ? { id: facts.terminal.id, name: facts.terminal.name, line: facts.terminal.line! }
    : undefined;
  const held: RoleGrant[] = facts.grants
    .filter((g) => g.expiresAt === null || g.expiresAt > now)
    .map(({ role, scope, permissions }) => (permissions ? { role, scope, permissions } : { role, scope }));
  const grants = terminal ? confineToLine(held, terminal.line) : held;
  // Badge (possession) and PIN (knowledge) are two factors: a terminal session has its second factor.
  const mfa: Actor['mfa'] = terminal
    ? 'verified'
    : facts.totpEnabled
      ? facts.mfaVerified
        ? 'verified'
        : 'pending'
      : mfaRequired(grants, facts.vendor)
        ? 'enrolment-required'
        : 'not-required';
  return {
    actor: {
      kind: facts.kind === 'service' ? 'service' : facts.kind === 'device' ? 'device' : 'user',
      id: facts.userId,
      sessionId: facts.sessionId,
      bootstrap: facts.bootstrap,
      mustChangePassword: !terminal && facts.mustChangePassword,
      grants,
      mfa,
      ...(terminal ? { terminal } : {}),
    },
    touchDue: now - facts.lastSeenAt >= TOUCH_INTERVAL_MS,
    csrfHash: facts.csrfHash,
  };
}

/** The actor a session token stands for, read from the database; undefined when unknown or not standing. */
export async function authenticate(
  db: ReadDb<Database>,
  token: string,
  now: number,
  policy: SessionPolicy,
): Promise<Authenticated | undefined> {
  const facts = await loadSession(db, hashToken(token), now);
  return facts && sessionVerdict(facts, now, policy);
}
