import { Type } from '@sinclair/typebox';
import type { ReadDb } from '../../../kernel/store.js';
import type { Database } from '../db.js';
import { randomCode } from '../passwords.js';
import { hashToken } from '../sessions.js';

/** The terminal's own credential, apart from any operator's session cookie; it outlives sign-ins (a year). */
export const TERMINAL_COOKIE = 'bastion_terminal';
export const TERMINAL_COOKIE_MAX_AGE = 365 * 24 * 3600;
export const ENROLMENT_MINUTES = 15;

/** Letters and digits that cannot be mistaken for one another when typed from a printout: no 0/O, 1/I/L. */
const ENROLMENT_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const ENROLMENT_CODE_LENGTH = 10;

export const newEnrolmentCode = (): string => randomCode(ENROLMENT_CODE_LENGTH, ENROLMENT_ALPHABET);

/** Typed codes are forgiving: case, spaces and dashes do not matter. */
export const normaliseCode = (code: string): string => code.toUpperCase().replace(/[\s-]/g, '');

export const terminalCookie = (secret: string, maxAge = TERMINAL_COOKIE_MAX_AGE): string =>
  `${TERMINAL_COOKIE}=${secret}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${maxAge}`;

const SECRET = /^[A-Za-z0-9_-]{43}$/;

/** The terminal secret a request's cookie carries, if it has the shape of one. */
export function terminalSecretOf(cookieHeader: string | undefined): string | undefined {
  const value = cookieHeader
    ?.split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${TERMINAL_COOKIE}=`))
    ?.slice(TERMINAL_COOKIE.length + 1);
  return value !== undefined && SECRET.test(value) ? value : undefined;
}

export type TerminalRow = Database['terminals'];

/** The enrolled, unrevoked terminal holding `secret`, or undefined. */
export async function liveTerminal(db: ReadDb<Database>, secret: string): Promise<TerminalRow | undefined> {
  return db
    .selectFrom('terminals')
    .selectAll()
    .where('secret_hash', '=', hashToken(secret))
    .where('revoked_at', 'is', null)
    .where('enrolled_at', 'is not', null)
    .executeTakeFirst();
}

const closed = { additionalProperties: false } as const;
const time = Type.Union([Type.String(), Type.Null()]);

export const terminalIdentity = Type.Object({ id: Type.String(), name: Type.String(), line: Type.String() }, closed);
export const terminalView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    line: Type.String(),
    enrolledAt: time,
    lastSeenAt: time,
    revokedAt: time,
  },
  closed,
);

const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString());

export const toTerminalView = (row: TerminalRow) => ({
  id: row.id,
  name: row.name,
  line: row.line,
  enrolledAt: iso(row.enrolled_at),
  lastSeenAt: iso(row.last_seen_at),
  revokedAt: iso(row.revoked_at),
});

/** A badge number as read or typed: letters, digits and a few separators; compared without regard to case. */
export const badgeSchema = Type.String({
  pattern: '^[A-Za-z0-9._:-]{1,64}$',
  description: 'a badge number: 1 to 64 letters, digits, dots, dashes, colons or underscores',
});
export const pinSchema = Type.String({ pattern: '^[0-9]{4,8}$', description: 'a PIN of 4 to 8 digits' });
export const BADGE_INDEX = 'badge';
export const normaliseBadge = (badge: string): string => badge.toUpperCase();
