import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { inclusionProof } from '../../modules/audit/index.js';
import { lastSeq, recordPages } from '../../modules/audit/index.js';
import { keysDir, loadPublicKey } from '../../kernel/keys/key-store.js';
import { PUBLIC_KEY_FILE } from '../../modules/audit/index.js';
import { allCheckpoints } from '../../modules/audit/index.js';
import { NOT_INDEPENDENT, notIndependentlyWitnessed, witnessesFor } from '../../modules/audit/index.js';
import { verifyLog, type LogVerification } from '../../modules/audit/index.js';
import type { VerificationReport } from '../../modules/audit/index.js';
import { verificationEventAt } from '../../modules/audit/index.js';
import { openBastion } from '../../app/bastion.js';
import { offHostWitnesses } from '../../modules/backup/index.js';
import { sqliteFile } from '../../storage/files.js';
import { join } from 'node:path';
import type { VerbContext } from '../context.js';
import { requireInitialized, withStorage } from '../open.js';
import { CliError, ExitCode } from '../io.js';
import { progressFor } from '../progress.js';

function printReport(ctx: VerbContext, report: VerificationReport): void {
  if (report.ok) {
    ctx.print(
      `audit log OK: ${report.recordsChecked} records, ${report.checkpointsChecked} checkpoints, latest checkpoint at ${report.latestCheckpoint ?? 'none'}, ${report.unsignedTail} records after it`,
    );
    return;
  }
  ctx.print(
    `audit log INVALID: first bad record ${report.firstBadSeq ?? 'n/a'} (${report.problems.length} problem${report.problems.length === 1 ? '' : 's'})`,
  );
  for (const problem of report.problems) ctx.print(`  ${problem.kind}: ${problem.message}`);
}

/**
 * One line per witness that lacks checkpoints the database holds (a failed write, or files removed), per
 * off-host witness that could not be reached, and per off-host witness checked (its newest checkpoint).
 */
function printWitnesses(ctx: VerbContext, report: LogVerification, remote: Set<string>): void {
  for (const { witness, missing, reachable, error, newest } of report.witnesses) {
    if (!reachable) {
      ctx.print(`witness UNREACHABLE: ${witness} (${error ?? 'no answer'}): the log was not checked against it`);
      continue;
    }
    if (remote.has(witness))
      ctx.print(`checked against off-host witness ${witness} (newest checkpoint at ${newest ?? 'none'})`);
    if (missing.length === 0) continue;
    const sizes = missing.length <= 6 ? missing.join(', ') : `${missing.slice(0, 5).join(', ')}, … ${missing.at(-1)}`;
    ctx.print(
      `witness INCOMPLETE: ${witness} lacks ${missing.length} checkpoint${missing.length === 1 ? '' : 's'} the database holds (tree sizes ${sizes})`,
    );
  }
}

/**
 * A broken log is a security event for monitoring (audit-integrity), recorded like any other this process sees.
 * Verification itself opened the database read-only; Bastion is opened afterwards only to record the event, and a
 * failure to do so is logged, never allowed to hide the verdict (the exit code says INVALID either way).
 */
async function announceFailure(ctx: VerbContext, report: VerificationReport): Promise<void> {
  try {
    const bastion = await openBastion(ctx.config, { logger: ctx.logger });
    try {
      await bastion.events.publish(verificationEventAt(report, bastion.clock.now()));
    } finally {
      await bastion.close();
    }
  } catch (error) {
    ctx.logger.error({ err: error }, 'could not record the failed verification as a security event');
  }
}

export async function verifyVerb(ctx: VerbContext, options: { json?: boolean; publicKey?: string }): Promise<number> {
  await ctx.authorize('audit.verify');
  requireInitialized(ctx);
  const publicKey = loadPublicKey(options.publicKey ?? join(keysDir(ctx.config.dataDir), PUBLIC_KEY_FILE));
  const progress = progressFor(ctx.io, 'verifying');
  // Local witness directories, and the off-host ones (backup destinations): a truncation with every local
  // witness file removed still shows against the newest checkpoint an off-host witness holds.
  const remote = offHostWitnesses(ctx.config);
  const witnesses = [...witnessesFor(ctx.config), ...remote];
  const report = await withStorage(ctx, (storage) =>
    verifyLog({ storage, publicKey, witnesses, onProgress: (d, t) => progress.update(d, t) }),
  );
  progress.stop();
  const shared = notIndependentlyWitnessed(
    ctx.config.databaseUrl !== undefined ? undefined : sqliteFile(ctx.config),
    witnesses,
  );
  if (options.json) ctx.print(JSON.stringify({ ...report, independentlyWitnessed: !shared }, null, 2));
  else {
    printReport(ctx, report);
    printWitnesses(ctx, report, new Set(remote.map((w) => w.name)));
    if (shared) ctx.print(`warning: ${NOT_INDEPENDENT}`);
  }
  if (!report.ok) {
    await announceFailure(ctx, report);
    return ExitCode.auditInvalid;
  }
  return report.witnessesComplete ? ExitCode.ok : ExitCode.witnessIncomplete;
}

/** JSON Lines: one record per line as stored (body is the exact hashed text), then every checkpoint. */
export async function exportVerb(ctx: VerbContext, options: { out?: string }): Promise<void> {
  await ctx.authorize('audit.export');
  await withStorage(ctx, async (storage) => {
    const out =
      options.out !== undefined && options.out !== '' ? createWriteStream(options.out, { mode: 0o600 }) : undefined;
    const write = async (line: string) => {
      if (!out) return void ctx.io.stdout.write(line);
      if (!out.write(line)) await once(out, 'drain');
    };
    const progress = progressFor(ctx.io, 'exporting');
    const total = await lastSeq(storage);
    let done = 0;
    for await (const page of recordPages(storage)) {
      const lines = page.map((r) =>
        JSON.stringify({ type: 'record', seq: r.seq, hash: r.hash.toString('hex'), body: r.body }),
      );
      await write(`${lines.join('\n')}\n`);
      done += page.length;
      progress.update(done, total);
    }
    for (const cp of await allCheckpoints(storage.db)) {
      await write(
        `${JSON.stringify({ type: 'checkpoint', treeSize: cp.treeSize, body: cp.body, signature: cp.signature.toString('base64') })}\n`,
      );
    }
    progress.update(done, total);
    progress.stop();
    if (out) {
      out.end();
      await once(out, 'finish');
      ctx.io.stderr.write(`exported ${done} records to ${options.out}\n`);
    }
  });
}

export async function proofVerb(ctx: VerbContext, seqText: string, options: { treeSize?: string }): Promise<void> {
  await ctx.authorize('audit.read');
  const seq = positiveInteger(seqText, 'SEQ');
  const treeSize = options.treeSize === undefined ? undefined : positiveInteger(options.treeSize, '--tree-size');
  const proof = await withStorage(ctx, (storage) => inclusionProof(storage, seq, treeSize));
  ctx.print(JSON.stringify(proof, null, 2));
}

export function positiveInteger(text: string, name: string): number {
  if (!/^[1-9]\d{0,15}$/.test(text))
    throw new CliError(`${name} must be a positive integer, got "${text}"`, ExitCode.usage);
  return Number(text);
}
