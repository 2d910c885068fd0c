import type { FastifyInstance } from 'fastify';
import { startMonitoring, type RunningMonitoring } from '../../src/app/monitoring.js';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../../src/kernel/actors.js';
import type { ManualClock, TestBastion } from './bastion.js';
import { seedPlant } from './plant.js';
import { adminSession, httpTestBastion, login, NEW_ADMIN_PASSWORD, totpNow, type Session } from './http.js';

export interface Alert {
  id: string;
  rule: string;
  state: string;
  count: number;
  groupKey: string;
  severity: string;
}

/** A test Bastion with detection running and an administrator's session (who reads the alerts). */
export interface Watched {
  t: TestBastion;
  app: FastifyInstance;
  monitoring: RunningMonitoring;
  admin: Session & { secret: string };
  close(): Promise<void>;
}

export async function watchedBastion(env: Record<string, string> = {}, clock?: ManualClock): Promise<Watched> {
  const { t, app } = await httpTestBastion(env, clock);
  const monitoring = await startMonitoring(t.bastion, t.logger);
  const admin = await adminSession(app, t);
  return {
    t,
    app,
    monitoring,
    admin,
    async close() {
      await monitoring.stop();
      await app.close();
      await t.destroy();
    },
  };
}

/** A login attempt from `address` (Fastify's request.ip is the socket's address: no proxy is trusted). */
export const loginFrom = (app: FastifyInstance, username: string, password: string, address = '127.0.0.1') =>
  app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: address });

/** The alerts of `rule`, read as a security team does: GET /api/security/alerts, once detection has settled. */
export async function alertsOf(w: Watched, rule: string, session: Session = w.admin): Promise<Alert[]> {
  await w.monitoring.settled();
  const response = await w.app.inject({ method: 'GET', url: '/api/security/alerts', headers: session.headers });
  if (response.statusCode !== 200) throw new Error(`alerts: ${response.statusCode} ${response.body}`);
  return response.json<{ items: Alert[] }>().items.filter((a) => a.rule === rule);
}

/** A fresh administrator session on a manual clock that has moved on (the first one has expired by then). */
export async function adminAgain(w: Watched, clock: ManualClock): Promise<Session> {
  const session = await login(w.app, 'admin', NEW_ADMIN_PASSWORD);
  const verified = await w.app.inject({
    method: 'POST',
    url: '/api/auth/mfa/verify',
    headers: session.headers,
    payload: { code: totpNow(w.admin.secret, clock.now()) },
  });
  if (verified.statusCode !== 200) throw new Error(`admin second factor: ${verified.body}`);
  return session;
}

/** Tunes a rule through the product's own route (POST /api/security/rules/:name), as a security officer would. */
export async function tune(w: Watched, rule: string, body: Record<string, unknown>): Promise<void> {
  const response = await w.app.inject({
    method: 'POST',
    url: `/api/security/rules/${rule}`,
    headers: { ...w.admin.headers, 'x-csrf-token': w.admin.csrfToken },
    payload: body,
  });
  if (response.statusCode !== 200) throw new Error(`tune ${rule}: ${response.statusCode} ${response.body}`);
}

/** An account made from the console with no password of its own yet: enough to be guessed at. */
export async function consoleAccount(w: Watched, username: string): Promise<string> {
  const created = await w.t.bastion.pipeline.execute<{ user: { id: string } }>(
    'identity.user.create',
    { username, displayName: `Test ${username}` },
    CONSOLE_ACTOR,
    CLI_ORIGIN,
  );
  return created.user.id;
}

/** A six-digit code that is not the current one (a guess that is certainly wrong). */
export function wrongCode(secret: string, at: number): string {
  return String((Number(totpNow(secret, at)) + 1) % 1_000_000).padStart(6, '0');
}

/** Epoch ms of the next `weekday` (1 = Monday … 7 = Sunday) at `hour`:00 UTC strictly after `from`. */
export function nextUtc(from: number, weekday: number, hour: number): number {
  const day = new Date(from);
  day.setUTCHours(hour, 0, 0, 0);
  for (;;) {
    const isoDay = day.getUTCDay() === 0 ? 7 : day.getUTCDay();
    if (isoDay === weekday && day.getTime() > from) return day.getTime();
    day.setUTCDate(day.getUTCDate() + 1);
  }
}

/** A terminal registered on line 1 of the test plant and enrolled in a browser: its cookie's secret. */
export async function enrolledTerminal(w: Watched): Promise<string> {
  await seedPlant(w.t.bastion);
  const registered = await w.app.inject({
    method: 'POST',
    url: '/api/terminals',
    headers: w.admin.headers,
    payload: { name: 'Line 1 HMI', line: '/site-1/area-1/line-1' },
  });
  const { enrolmentCode } = registered.json<{ enrolmentCode: string }>();
  const enrolled = await w.app.inject({
    method: 'POST',
    url: '/api/terminals/enrol',
    payload: { code: enrolmentCode },
  });
  const secret = /bastion_terminal=([A-Za-z0-9_-]{43})/.exec(String(enrolled.headers['set-cookie']))?.[1];
  if (secret === undefined) throw new Error(`terminal enrolment failed: ${enrolled.body}`);
  return secret;
}

/** Badge and PIN at the terminal, as the HMI sends them. */
export const badgeSignIn = (w: Watched, terminal: string, badge: string, pin: string) =>
  w.app.inject({
    method: 'POST',
    url: '/api/terminals/sign-in',
    headers: { cookie: `bastion_terminal=${terminal}` },
    payload: { badge, pin },
  });

/** `times` wrong passwords for `username` over HTTP: five set off the brute-force rule. */
export async function wrongPasswords(w: Pick<Watched, 'app'>, username = 'admin', times = 5): Promise<void> {
  for (let i = 0; i < times; i += 1) await loginFrom(w.app, username, 'not the password 1');
}
