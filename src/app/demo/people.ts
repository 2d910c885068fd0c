import { randomInt } from 'node:crypto';
import type { Actor } from '../../kernel/pipeline/types.js';
import { MAX_VENDOR_DAYS } from '../../modules/identity/index.js';
import { ADMINISTRATOR, builtInRoles } from '../../modules/identity/index.js';
import { grantsOf } from '../../modules/identity/index.js';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../../kernel/actors.js';
import type { Bastion } from '../bastion.js';
import { RIM_LINE, SITE, WHEEL_LINE } from './plant.js';

interface DemoPerson {
  username: string;
  displayName: string;
  role: string;
  scopes: string[];
  vendor?: boolean;
  /** A badge to sign in with at a shop-floor terminal (its PIN is made at random and shown once). */
  badge?: string;
}

/** One account per built-in role but the administrator (that is the bootstrap administrator). */
export const demoPeople: DemoPerson[] = [
  {
    username: 'oscar',
    displayName: 'Oscar Operator',
    role: 'operator',
    scopes: [RIM_LINE, WHEEL_LINE],
    badge: 'B-1001',
  },
  { username: 'sofia', displayName: 'Sofia Supervisor', role: 'supervisor', scopes: ['/'] },
  { username: 'pete', displayName: 'Pete Process-Engineer', role: 'process-engineer', scopes: ['/'] },
  { username: 'quinn', displayName: 'Quinn Quality', role: 'quality', scopes: ['/'] },
  { username: 'maya', displayName: 'Maya Maintenance', role: 'maintenance', scopes: [SITE] },
  { username: 'simon', displayName: 'Simon Security-Officer', role: 'security-officer', scopes: ['/'] },
  { username: 'audrey', displayName: 'Audrey Auditor', role: 'auditor', scopes: ['/'] },
  {
    username: 'victor',
    displayName: 'Victor Vendor (press service)',
    role: 'vendor',
    scopes: [RIM_LINE],
    vendor: true,
  },
];

/** Six random digits: a fresh PIN each time the demo is seeded, so no demo PIN is ever published. */
const demoPin = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** Vendor access ends by itself: well inside the 90-day limit. */
const VENDOR_DAYS = Math.min(30, MAX_VENDOR_DAYS);

export interface DemoAccount {
  username: string;
  role: string;
  oneTimePassword: string;
  /** The terminal badge and its PIN, for the accounts that carry one: shown once, the PIN stored only hashed. */
  badge?: { badge: string; pin: string };
}

/**
 * Every built-in role is covered (checked at start, so a new role cannot be forgotten silently), and the
 * bootstrap administrator's name is not one of the demo's.
 */
export function assertDemoAccounts(admin: string): void {
  if (demoPeople.some((p) => p.username === admin))
    throw new Error(`${admin} is the name of a demo account; choose another administrator name`);
  const covered = new Set([ADMINISTRATOR, ...demoPeople.map((p) => p.role)]);
  const missing = builtInRoles.filter((r) => !covered.has(r.name)).map((r) => r.name);
  if (missing.length > 0) throw new Error(`the demo has no account for role(s) ${missing.join(', ')}`);
}

/**
 * Creates the accounts exactly as `bastion users add` and `bastion users grant` do: as the console, through
 * the pipeline. The one-time passwords are returned to be shown once; only their argon2id hashes are stored.
 */
export async function createDemoAccounts(bastion: Bastion): Promise<DemoAccount[]> {
  const run = <R>(command: string, input: Record<string, unknown>) =>
    bastion.pipeline.execute<R>(command, input, CONSOLE_ACTOR, CLI_ORIGIN);
  const accounts: DemoAccount[] = [];
  for (const person of demoPeople) {
    const expiresAt = person.vendor
      ? new Date(bastion.clock.now() + VENDOR_DAYS * 86_400_000).toISOString()
      : undefined;
    const created = await run<{ user: { id: string }; oneTimePassword: string }>('identity.user.create', {
      username: person.username,
      displayName: person.displayName,
      ...(person.vendor ? { vendor: true, expiresAt } : {}),
    });
    for (const scope of person.scopes)
      await run('identity.grant', {
        userId: created.user.id,
        role: person.role,
        scope,
        ...(expiresAt !== undefined ? { expiresAt } : {}),
      });
    const badge = person.badge !== undefined ? { badge: person.badge, pin: demoPin() } : undefined;
    if (badge) await run('identity.badge.assign', { userId: created.user.id, ...badge });
    accounts.push({
      username: person.username,
      role: person.role,
      oneTimePassword: created.oneTimePassword,
      ...(badge ? { badge } : {}),
    });
  }
  return accounts;
}

/**
 * The demo's history is recorded as done by the account whose role would do it, over the CLI channel and
 * without a session. The actor carries the account's real grants, so the role authorizer still checks
 * every command against them.
 */
export async function actorOf(bastion: Bastion, username: string): Promise<Actor> {
  const user = await bastion.storage.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  const grants = await grantsOf(bastion.context.db, user.id, bastion.clock.now());
  return { kind: 'user', id: user.id, grants };
}
