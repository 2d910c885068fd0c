import type { FastifyInstance } from 'fastify';
import { Secret, TOTP } from 'otpauth';

const NEW_PASSWORD = 'correct horse battery staple 42';

async function post<T>(app: FastifyInstance, url: string, payload: object, token?: string): Promise<T> {
  const headers = token !== undefined ? { authorization: `Bearer ${token}` } : {};
  const response = await app.inject({ method: 'POST', url, headers, payload });
  if (response.statusCode !== 200) throw new Error(`POST ${url}: ${response.statusCode} ${response.body}`);
  return response.json<T>();
}

/** The current code for a base32 secret, computed by the otpauth library (the server's peer). */
const totpNow = (secret: string): string =>
  TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });

/**
 * A fully logged-in bootstrap administrator, as test/support/http.ts makes one: login with the one-time
 * password, replace it, enrol an authenticator and confirm it with a TOTP code (which marks the session's
 * second factor verified). Returns the session's bearer token, after checking /api/auth/me agrees.
 */
export async function adminToken(app: FastifyInstance, oneTimePassword: string): Promise<string> {
  const { token } = await post<{ token: string }>(app, '/api/auth/login', {
    username: 'admin',
    password: oneTimePassword,
  });
  await post(app, '/api/auth/password', { currentPassword: oneTimePassword, newPassword: NEW_PASSWORD }, token);
  const { secret } = await post<{ secret: string }>(app, '/api/auth/mfa/enrol', {}, token);
  await post(app, '/api/auth/mfa/confirm', { code: totpNow(secret) }, token);

  const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
  const body = me.json<{ mfa: string; mustChangePassword: boolean; grants: { role: string }[] }>();
  if (me.statusCode !== 200 || body.mfa !== 'verified' || body.mustChangePassword || body.grants.length === 0) {
    throw new Error(`the administrator session is not fully logged in: ${me.statusCode} ${me.body}`);
  }
  return token;
}
