import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { randomBytes } from 'node:crypto';
import type { FieldProblem } from '../../kernel/errors.js';

/**
 * argon2id above the OWASP minimum (m=19 MiB, t=2, p=1). The encoded hash carries its parameters, so
 * they can be raised later: a login with an older hash rehashes it (see needsRehash).
 */
const ARGON2ID = 2;
export const passwordHashOptions = { algorithm: ARGON2ID, memoryCost: 65_536, timeCost: 3, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, passwordHashOptions);
}

export async function verifyPassword(encoded: string, password: string): Promise<boolean> {
  try {
    return await verify(encoded, password);
  } catch {
    return false;
  }
}

/** True when the stored hash is not argon2id or is weaker than the parameters in force. */
export function needsRehash(encoded: string): boolean {
  const match = encoded.match(/^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/);
  if (!match) return true;
  const [m, t, p] = match.slice(1).map(Number) as [number, number, number];
  const want = passwordHashOptions;
  return m < want.memoryCost || t < want.timeCost || p < want.parallelism;
}

/** A hash of a random password, verified against when the account does not exist, so timing reveals nothing. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(24).toString('base64'));
  return decoy;
}

// ~49,000 most common passwords (zxcvbn-ts common list), shipped in the package; compared case-insensitively.
const common = new Set(dictionary['passwords-common'].map((word) => word.toLowerCase()));

export const MIN_PASSWORD_LENGTH = 12;

/**
 * OWASP ASVS V2.1 / NIST SP 800-63B: at least 12 characters, no composition rules, refused when common or
 * when built from the user name. Returns the problems, empty when the password is acceptable.
 */
export function passwordProblems(password: string, username: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const lower = password.toLowerCase();
  if ([...password].length < MIN_PASSWORD_LENGTH)
    problems.push({ path: '/newPassword', message: `must have at least ${MIN_PASSWORD_LENGTH} characters` });
  if (common.has(lower)) problems.push({ path: '/newPassword', message: 'is one of the most common passwords' });
  if (username.length >= 3 && lower.includes(username.toLowerCase()))
    problems.push({ path: '/newPassword', message: 'must not contain the user name' });
  return problems;
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A random string from an alphabet without look-alikes (~5.8 bits per character), without modulo bias. */
export function randomCode(length: number, alphabet = ALPHABET): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (out.length < length && byte < 256 - (256 % alphabet.length)) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** A one-time password of 20 characters (~117 bits). */
export const generateOneTimePassword = (): string => randomCode(20);

/** An opaque token (256 random bits). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}
