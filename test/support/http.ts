import type { FastifyInstance } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { buildHttpApp } from '../../src/http/app.js';
import type { Clock } from '../../src/kernel/clock.js';
import type { DomainEvent } from '../../src/kernel/events.js';
import { createTestBastion, type TestBastion } from './bastion.js';

export interface Session {
  token: string;
  csrfToken: string;
  headers: { authorization: string };
}

export async function login(
  app: FastifyInstance,
  username: string,
  password: string,
): Promise<Session & { mustChangePassword: boolean; mfa: string }> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const body = response.json<{ token: string; csrfToken: string; mustChangePassword: boolean; mfa: string }>();
  return { ...body, headers: { authorization: `Bearer ${body.token}` } };
}

export const NEW_ADMIN_PASSWORD = 'correct horse battery staple 42';

/** The current code for a base32 secret, computed by the otpauth library (the server's peer). */
export function totpNow(secret: string, at = Date.now()): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: at });
}

/**
 * Enrols an authenticator for the session's account and confirms it; returns the secret and recovery codes.
 * `at` is the server's time: a test on a manual clock passes it, or the code may be of another step.
 */
export async function enrolMfa(
  app: FastifyInstance,
  session: Session,
  at = Date.now(),
): Promise<{ secret: string; recoveryCodes: string[] }> {
  const enrol = await app.inject({ method: 'POST', url: '/api/auth/mfa/enrol', headers: session.headers, payload: {} });
  if (enrol.statusCode !== 200) throw new Error(`enrol failed: ${enrol.body}`);
  const { secret } = enrol.json<{ secret: string }>();
  const confirm = await app.inject({
    method: 'POST',
    url: '/api/auth/mfa/confirm',
    headers: session.headers,
    payload: { code: totpNow(secret, at) },
  });
  if (confirm.statusCode !== 200) throw new Error(`confirm failed: ${confirm.body}`);
  return { secret, recoveryCodes: confirm.json<{ recoveryCodes: string[] }>().recoveryCodes };
}

/**
 * Logs in as the bootstrap administrator as a first login must: replaces the one-time password, then enrols
 * the second factor the administrator role requires.
 */
export async function adminSession(app: FastifyInstance, t: TestBastion): Promise<Session & { secret: string }> {
  const first = await login(app, 'admin', t.oneTimePassword);
  const changed = await app.inject({
    method: 'POST',
    url: '/api/auth/password',
    headers: first.headers,
    payload: { currentPassword: t.oneTimePassword, newPassword: NEW_ADMIN_PASSWORD },
  });
  if (changed.statusCode !== 200) throw new Error(`password change failed: ${changed.body}`);
  const { secret } = await enrolMfa(app, first);
  return { ...first, secret };
}

/** A test Bastion (on `clock`, if given) with its HTTP app, and every domain event it publishes from then on. */
export async function httpTestBastion(
  extraEnv: Record<string, string> = {},
  clock?: Clock,
): Promise<{ t: TestBastion; app: FastifyInstance; events: DomainEvent[] }> {
  const t = await createTestBastion(extraEnv, clock);
  const app = await buildHttpApp(t.bastion);
  const events: DomainEvent[] = [];
  t.bastion.events.subscribe('*', (event) => void events.push(event));
  return { t, app, events };
}
