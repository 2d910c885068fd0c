import type { FastifyInstance } from 'fastify';
import type { TestBastion } from './bastion.js';

export interface Session {
  token: string;
  headers: { authorization: string };
}

export async function login(
  app: FastifyInstance,
  username: string,
  password: string,
): Promise<Session & { mustChangePassword: boolean }> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const body = response.json<{ token: string; mustChangePassword: boolean }>();
  return {
    token: body.token,
    mustChangePassword: body.mustChangePassword,
    headers: { authorization: `Bearer ${body.token}` },
  };
}

export const NEW_ADMIN_PASSWORD = 'correct horse battery staple 42';

/** Logs in as the bootstrap administrator and replaces the one-time password, as a first login must. */
export async function adminSession(app: FastifyInstance, t: TestBastion): Promise<Session> {
  const first = await login(app, 'admin', t.oneTimePassword);
  const changed = await app.inject({
    method: 'POST',
    url: '/api/auth/password',
    headers: first.headers,
    payload: { currentPassword: t.oneTimePassword, newPassword: NEW_ADMIN_PASSWORD },
  });
  if (changed.statusCode !== 200) throw new Error(`password change failed: ${changed.body}`);
  return first;
}
