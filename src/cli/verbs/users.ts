import { Option, type Command } from 'commander';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../../kernel/actors.js';
import type { Bastion } from '../../app/bastion.js';
import { grantsOf } from '../../modules/identity/index.js';
import { openAccount, publicUser, userByName } from '../../modules/identity/index.js';
import type { VerbContext } from '../context.js';
import { CliError, ExitCode } from '../io.js';
import { withBastion } from '../open.js';

type PublicUser = ReturnType<typeof publicUser>;

/** Lines of space-padded columns; a cell given as several lines makes its row that tall. */
export function table(header: string[], rows: (string | string[])[][]): string[] {
  const cells = [header, ...rows].map((row) => row.map((cell) => (Array.isArray(cell) ? cell : [cell])));
  const widths = header.map((_, i) => Math.max(...cells.flatMap((row) => row[i]!.map((line) => line.length))));
  return cells.flatMap((row) =>
    Array.from({ length: Math.max(...row.map((cell) => cell.length)) }, (_, n) =>
      row
        .map((cell, i) => (cell[n] ?? '').padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    ),
  );
}

/** Every change goes through the pipeline as the console, so it is validated, authorised and audited. */
export async function run<R>(bastion: Bastion, command: string, input: Record<string, unknown>): Promise<R> {
  try {
    return await bastion.pipeline.execute<R>(command, input, CONSOLE_ACTOR, CLI_ORIGIN);
  } finally {
    // No server may be running to sign on its timer: sign this run's records (and refusals) now.
    await bastion.audit.checkpointNow();
  }
}

async function idOf(bastion: Bastion, username: string): Promise<string> {
  const user = await userByName(bastion.context.db, username);
  if (!user) throw new CliError(`no account named ${username}`, ExitCode.failure);
  return user.id;
}

const shownOnce = 'shown once; it must be changed at first login';

interface AddOptions {
  name: string;
  kind: string;
  vendor?: boolean;
  expires?: string;
}

export async function addUserVerb(ctx: VerbContext, username: string, options: AddOptions): Promise<void> {
  const created = await withBastion(ctx, 'identity.users.manage', (bastion) =>
    run<{ user: PublicUser; oneTimePassword: string }>(bastion, 'identity.user.create', {
      username,
      displayName: options.name,
      kind: options.kind,
      ...(options.vendor ? { vendor: true } : {}),
      ...(options.expires === undefined ? {} : { expiresAt: options.expires }),
    }),
  );
  ctx.print(`Created account ${created.user.username} (id ${created.user.id})`);
  ctx.print(`One-time password (${shownOnce}): ${created.oneTimePassword}`);
}

export async function listUsersVerb(ctx: VerbContext, options: { json?: boolean }): Promise<void> {
  await ctx.authorize('identity.grants.read'); // the JSON carries each account's grants too
  const users = await withBastion(ctx, 'identity.users.read', async (bastion) => {
    const rows = await bastion.storage.db.selectFrom('users').selectAll().orderBy('username').execute();
    const now = bastion.clock.now();
    return Promise.all(
      rows.map(async (row) => ({
        ...publicUser(await openAccount(bastion.context.cipher, row)),
        grants: (await grantsOf(bastion.context.db, row.id, now)).map((g) => ({ role: g.role, scope: g.scope })),
      })),
    );
  });
  if (options.json) return ctx.print(JSON.stringify({ users }, null, 2));
  const yesNo = (value: boolean) => (value ? 'yes' : 'no');
  const rows = users.map((u) => [
    u.username,
    u.id,
    u.vendor ? `${u.kind} (vendor)` : u.kind,
    yesNo(u.disabled),
    u.lockedUntil ?? 'no',
    yesNo(u.mfaEnrolled),
    u.expiresAt ?? 'never',
  ]);
  for (const line of table(['USERNAME', 'ID', 'KIND', 'DISABLED', 'LOCKED', 'MFA', 'EXPIRES'], rows)) ctx.print(line);
}

const changes = { disable: 'Disabled', enable: 'Enabled', unlock: 'Unlocked', expire: 'Expired' } as const;

export async function changeUserVerb(ctx: VerbContext, change: keyof typeof changes, username: string): Promise<void> {
  await withBastion(ctx, 'identity.users.manage', async (bastion) =>
    run(bastion, `identity.user.${change}`, { userId: await idOf(bastion, username) }),
  );
  ctx.print(`${changes[change]} ${username}.`);
}

export async function resetUserVerb(ctx: VerbContext, username: string): Promise<void> {
  const { oneTimePassword } = await withBastion(ctx, 'identity.users.manage', async (bastion) =>
    run<{ oneTimePassword: string }>(bastion, 'identity.user.reset', { userId: await idOf(bastion, username) }),
  );
  ctx.print(`Reset ${username}; its sessions have ended.`);
  ctx.print(`One-time password (${shownOnce}): ${oneTimePassword}`);
}

/**
 * The recovery path for an account that lost its authenticator, an administrator's included (where no second
 * administrator exists to approve it over HTTP): the console is the host's operator. Audited as the console.
 */
export async function resetMfaVerb(ctx: VerbContext, username: string): Promise<void> {
  await withBastion(ctx, 'identity.users.manage', async (bastion) =>
    run(bastion, 'identity.mfa.reset', { userId: await idOf(bastion, username) }),
  );
  ctx.print(`Removed the authenticator and recovery codes of ${username}; its sessions have ended.`);
  ctx.print('It must enrol a new authenticator at its next login.');
}

interface GrantOptions {
  scope: string;
  expires?: string;
}

export async function grantVerb(ctx: VerbContext, username: string, role: string, options: GrantOptions) {
  const { grantId } = await withBastion(ctx, 'identity.grants.manage', async (bastion) =>
    run<{ grantId: string }>(bastion, 'identity.grant', {
      userId: await idOf(bastion, username),
      role,
      scope: options.scope,
      ...(options.expires === undefined ? {} : { expiresAt: options.expires }),
    }),
  );
  ctx.print(`Granted ${role} at ${options.scope} to ${username} (grant ${grantId}).`);
}

export async function revokeVerb(ctx: VerbContext, username: string, role: string, options: { scope: string }) {
  await withBastion(ctx, 'identity.grants.manage', async (bastion) =>
    run(bastion, 'identity.revoke', { userId: await idOf(bastion, username), role, scope: options.scope }),
  );
  ctx.print(`Revoked ${role} at ${options.scope} from ${username}.`);
}

/** `bastion users …`: account administration from the server's console. */
export function addUsersVerbs(program: Command, context: () => VerbContext): Command {
  const users = program.command('users').description('Create and administer accounts and their role grants');
  users
    .command('add')
    .description('Create an account; prints its one-time password once')
    .argument('<USERNAME>', 'letters, digits, dot, dash or underscore')
    .requiredOption('--name <display name>', 'display name')
    .addOption(new Option('--kind <kind>', 'kind of account').choices(['human', 'service', 'device']).default('human'))
    .option('--vendor', 'a vendor or contractor account (needs --expires, at most 90 days ahead)')
    .option('--expires <ISO>', 'when the account expires, e.g. 2030-01-31T00:00:00Z')
    .action((username: string, options: AddOptions) => addUserVerb(context(), username, options));
  users
    .command('list')
    .description('List accounts: user name, ID, kind, disabled, locked, second factor, expiry')
    .option('--json', 'print every account with its grants as JSON')
    .action((options: { json?: boolean }) => listUsersVerb(context(), options));
  const help = {
    disable: 'Disable an account and end its sessions',
    enable: 'Enable a disabled account',
    unlock: 'Unlock an account locked by failed logins',
    expire: 'Expire an account now and end its sessions',
  };
  for (const change of Object.keys(changes) as (keyof typeof changes)[])
    users
      .command(change)
      .description(help[change])
      .argument('<USERNAME>', 'the account')
      .action((username: string) => changeUserVerb(context(), change, username));
  users
    .command('reset')
    .description('Reset the password to a new one-time password (printed once) and end all sessions')
    .argument('<USERNAME>', 'the account')
    .action((username: string) => resetUserVerb(context(), username));
  users
    .command('mfa-reset')
    .description('Remove the authenticator and recovery codes (a lost second factor) and end all sessions')
    .argument('<USERNAME>', 'the account')
    .action((username: string) => resetMfaVerb(context(), username));
  users
    .command('grant')
    .description('Grant a role at a scope of the plant hierarchy (and everything below it)')
    .argument('<USERNAME>', 'the account')
    .argument('<ROLE>', 'a built-in or custom role')
    .option('--scope <path>', "plant path such as '/' or '/site-1/line-2'", '/')
    .option('--expires <ISO>', 'when the grant ends, e.g. 2030-01-31T00:00:00Z')
    .action((username: string, role: string, options: GrantOptions) => grantVerb(context(), username, role, options));
  users
    .command('revoke')
    .description('Revoke a role held at a scope')
    .argument('<USERNAME>', 'the account')
    .argument('<ROLE>', 'the role')
    .option('--scope <path>', 'plant path the role was granted at', '/')
    .action((username: string, role: string, options: { scope: string }) =>
      revokeVerb(context(), username, role, options),
    );
  return users;
}
