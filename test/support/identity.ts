import type { FastifyInstance } from 'fastify';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../../src/kernel/actors.js';
import type { Bastion } from '../../src/app/bastion.js';
import { enrolMfa, login, type Session } from './http.js';

export interface TestUser {
  id: string;
  username: string;
  password: string;
}

export interface UserSpec {
  username: string;
  roles?: { role: string; scope?: string }[];
  vendor?: boolean;
  expiresAt?: string;
}

/** Creates an account and its grants from the console (as `bastion users` would), then sets its own password. */
export async function makeUser(bastion: Bastion, app: FastifyInstance, spec: UserSpec): Promise<TestUser> {
  const created = await bastion.pipeline.execute<{ user: { id: string }; oneTimePassword: string }>(
    'identity.user.create',
    { username: spec.username, displayName: `Test ${spec.username}`, vendor: spec.vendor, expiresAt: spec.expiresAt },
    CONSOLE_ACTOR,
    CLI_ORIGIN,
  );
  for (const { role, scope = '/' } of spec.roles ?? []) {
    await bastion.pipeline.execute(
      'identity.grant',
      { userId: created.user.id, role, scope },
      CONSOLE_ACTOR,
      CLI_ORIGIN,
    );
  }
  const password = `Tr0ubadour horse ${Math.random().toString(36).slice(2, 10)} staple`;
  const first = await login(app, spec.username, created.oneTimePassword);
  const changed = await app.inject({
    method: 'POST',
    url: '/api/auth/password',
    headers: first.headers,
    payload: { currentPassword: created.oneTimePassword, newPassword: password },
  });
  if (changed.statusCode !== 200) throw new Error(`password change failed: ${changed.body}`);
  await app.inject({ method: 'POST', url: '/api/auth/logout', headers: first.headers });
  return { id: created.user.id, username: spec.username, password };
}

export async function sessionOf(app: FastifyInstance, user: TestUser): Promise<Session & { mfa: string }> {
  return login(app, user.username, user.password);
}

/** A session of `user`, with a second factor enrolled when the account's role needs one (the login says so). */
export async function enrolledSession(app: FastifyInstance, user: TestUser): Promise<Session & { mfa: string }> {
  const session = await sessionOf(app, user);
  if (session.mfa === 'enrolment-required') await enrolMfa(app, session);
  return session;
}

export function loginAttempt(
  app: FastifyInstance,
  username: string,
  password: string,
  headers: Record<string, string> = {},
) {
  return app.inject({ method: 'POST', url: '/api/auth/login', headers, payload: { username, password } });
}

/** Defines a custom role over HTTP (POST /api/roles) as `session`; returns the answer, whatever it is. */
export function defineRole(
  app: FastifyInstance,
  session: Pick<Session, 'headers'>,
  role: { name: string; description: string; permissions: string[] },
) {
  return app.inject({ method: 'POST', url: '/api/roles', headers: session.headers, payload: role });
}
