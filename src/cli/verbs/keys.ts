import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { openBastion, type Bastion } from '../../app/bastion.js';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../../kernel/actors.js';
import {
  KEK_FILE,
  listKeys,
  openKek,
  rotateKeys,
  sealClearValues,
  type KeyEncryptionKey,
} from '../../modules/crypto/index.js';
import type { VerbContext } from '../context.js';
import { CliError, ExitCode } from '../io.js';
import { requireInitialized } from '../open.js';
import { progressFor, type Progress } from '../progress.js';

interface RotateOptions {
  purpose?: string;
  kek?: boolean;
  newKekFile?: string;
  batch?: string;
  json?: boolean;
}

/** Opens Bastion with the KEK variables of this invocation (not only the process's). */
async function withKeyring<T>(ctx: VerbContext, permission: string, work: (b: Bastion) => Promise<T>): Promise<T> {
  await ctx.authorize(permission);
  requireInitialized(ctx);
  const bastion = await openBastion(ctx.config, { logger: ctx.logger, env: ctx.io.env });
  try {
    return await work(bastion);
  } finally {
    await bastion.audit.checkpointNow();
    await bastion.close();
  }
}

const execute = (bastion: Bastion) => (name: string, input: Record<string, unknown>) =>
  bastion.pipeline.execute(name, input, CONSOLE_ACTOR, CLI_ORIGIN);

/** `bastion keys list`: purposes, versions, states and how many stored values each key seals; never material. */
export async function listKeysVerb(ctx: VerbContext, options: { json?: boolean }): Promise<void> {
  const list = await withKeyring(ctx, 'crypto.keys.read', (b) => listKeys(b.context.db, b.context.catalog));
  if (options.json === true) return ctx.print(JSON.stringify(list, null, 2));
  ctx.print('PURPOSE              VERSION  STATE         ROWS  KEK');
  for (const k of list.keys)
    ctx.print(
      `${k.purpose.padEnd(20)} ${String(k.version).padStart(7)}  ${k.state.padEnd(12)} ${String(k.rows).padStart(5)}  ${k.kekId.slice(0, 20)}…`,
    );
  for (const s of list.subjectKeys) ctx.print(`${s.purpose}: ${s.count} personal key(s) ${s.state}`);
}

/** The new KEK of a `--kek` rotation: a file, BASTION_NEW_KEK, or BASTION_NEW_KEK_PASSPHRASE (same salt). */
async function newKek(ctx: VerbContext, options: RotateOptions): Promise<KeyEncryptionKey> {
  const location = { dataDir: ctx.config.dataDir, env: ctx.io.env, mayCreate: false };
  if (options.newKekFile !== undefined) {
    if (!existsSync(options.newKekFile)) throw new CliError(`no file ${options.newKekFile}`, ExitCode.usage);
    return openKek({ ...location, settings: { source: 'file', file: options.newKekFile } });
  }
  if ((ctx.io.env.BASTION_NEW_KEK ?? '') !== '')
    return openKek({ ...location, settings: { source: 'env' }, envName: 'BASTION_NEW_KEK' });
  if ((ctx.io.env.BASTION_NEW_KEK_PASSPHRASE ?? '') !== '')
    return openKek({ ...location, settings: { source: 'passphrase' }, passphraseName: 'BASTION_NEW_KEK_PASSPHRASE' });
  throw new CliError(
    '--kek needs the new key: --new-kek-file, BASTION_NEW_KEK or BASTION_NEW_KEK_PASSPHRASE',
    ExitCode.usage,
  );
}

/** Re-wraps until no data key is left under the old KEK (an instance not yet restarted may have made one). */
async function rotateKekVerb(ctx: VerbContext, options: RotateOptions): Promise<void> {
  const next = await newKek(ctx, options);
  const total = await withKeyring(ctx, 'crypto.keys.rotate', async (bastion) => {
    bastion.crypto.offeredKek = next;
    let sum = 0;
    for (let round = 0; round < 5; round += 1) {
      const { rewrapped } = (await execute(bastion)('crypto.keys.rotate-kek', { kekId: next.id })) as {
        rewrapped: number;
      };
      sum += rewrapped;
      if (rewrapped === 0) break;
    }
    return sum;
  });
  installKeyFile(ctx, options);
  ctx.print(`Re-wrapped ${total} data key(s) under the new key-encryption key ${next.id.slice(0, 20)}…`);
  ctx.print('Now give every instance the new KEK and restart them one at a time (see OPERATIONS.md, Key rotation).');
}

/** With the file source at its default place, the new file replaces keys/kek.key (the old one kept beside it). */
function installKeyFile(ctx: VerbContext, options: RotateOptions): void {
  const kek = ctx.config.crypto.kek;
  if (options.newKekFile === undefined || kek.source !== 'file' || kek.file !== undefined) return;
  const current = join(ctx.config.dataDir, 'keys', KEK_FILE);
  copyFileSync(current, `${current}.old-${Date.now()}`);
  writeFileSync(current, readFileSync(options.newKekFile), { mode: 0o600 });
}

/** `bastion keys rotate`: a new version of each purpose's key, every value re-encrypted online, old ones retired. */
export async function rotateVerb(ctx: VerbContext, options: RotateOptions): Promise<void> {
  if (options.kek === true) return rotateKekVerb(ctx, options);
  const batchSize = options.batch === undefined ? 500 : Number(options.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000)
    throw new CliError('--batch must be an integer from 1 to 5000', ExitCode.usage);
  const bars = new Map<string, Progress>();
  const reports = await withKeyring(ctx, 'crypto.keys.rotate', (bastion) =>
    rotateKeys(
      {
        execute: execute(bastion),
        db: bastion.context.db,
        service: bastion.crypto,
        batchSize,
        onProgress(purpose, done, total) {
          const bar = bars.get(purpose) ?? progressFor(ctx.io, `re-encrypting ${purpose}`, batchSize, 'values');
          bars.set(purpose, bar);
          bar.update(done, Math.max(total, 1));
        },
      },
      options.purpose === undefined ? undefined : [options.purpose],
    ).finally(() => bars.forEach((bar) => bar.stop())),
  );
  if (options.json === true) return ctx.print(JSON.stringify(reports, null, 2));
  if (reports.length === 0) ctx.print('No data key to rotate yet.');
  for (const r of reports)
    ctx.print(
      `${r.purpose}: version ${r.version} active, ${r.reencrypted} value(s) re-encrypted, ${r.retired} old version(s) retired` +
        (r.kept > 0 ? `, ${r.kept} kept decrypt-only (append-only rows use them)` : ''),
    );
}

/** `bastion keys seal`: values stored before their column was encrypted (an upgraded database) are sealed now. */
export async function sealVerb(ctx: VerbContext): Promise<void> {
  const sealed = await withKeyring(ctx, 'crypto.keys.rotate', async (bastion) => {
    const bar = progressFor(ctx.io, 'sealing clear values', 500, 'values');
    let done = 0;
    try {
      return await sealClearValues(bastion.crypto, bastion.context.db, execute(bastion), {
        onBatch: (n) => bar.update((done += n), Math.max(done, 1)),
      });
    } finally {
      bar.stop();
    }
  });
  const columns = Object.entries(sealed);
  if (columns.length === 0) ctx.print('No clear value left in an encrypted column.');
  for (const [column, n] of columns) ctx.print(`${column}: ${n} value(s) sealed`);
}

export function addKeysVerbs(program: Command, context: () => VerbContext): Command {
  const keys = program.command('keys').description('The data-encryption keys: list them, rotate them, re-wrap them');
  keys
    .command('list')
    .description('Purposes, versions, states and row counts of the data keys (never key material)')
    .option('--json', 'print as JSON')
    .action((options: { json?: boolean }) => listKeysVerb(context(), options));
  keys
    .command('rotate')
    .description('Rotate the data keys online (progress on standard error), or with --kek re-wrap them under a new KEK')
    .option('--purpose <purpose>', 'rotate only this purpose')
    .option('--batch <n>', 'values re-encrypted per command (default 500)')
    .option('--kek', 're-wrap every data key under a new key-encryption key instead')
    .option(
      '--new-kek-file <file>',
      'with --kek: the new KEK file (else BASTION_NEW_KEK or BASTION_NEW_KEK_PASSPHRASE)',
    )
    .option('--json', 'print the outcome as JSON')
    .action((options: RotateOptions) => rotateVerb(context(), options));
  keys
    .command('seal')
    .description('Seal values stored in clear before their column was encrypted (bastion serve does it at start)')
    .action(() => sealVerb(context()));
  return keys;
}
