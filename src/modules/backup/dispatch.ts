import { dbOf } from './db.js';
import type { BackupHost, Reporter } from './host.js';
import type { JobKind } from './jobs.js';
import { recordOutcome } from './outcomes.js';
import { runBackup } from './run-backup.js';
import { runPrune, runVerify } from './run-checks.js';
import { runDrill } from './run-drill.js';
import { runRestore } from './run-restore.js';
import { reasonOf } from './upload.js';

/**
 * Runs a claimed job to its end and records the outcome; the one entry for the server (after the request's
 * commit) and the CLI (in its own process, with a progress bar). Work that throws is recorded as failed.
 */
export async function runJob(host: BackupHost, jobId: string, report: Reporter): Promise<Record<string, unknown>> {
  const job = await dbOf(host).selectFrom('backup_jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow();
  const input = JSON.parse(job.input) as Record<string, unknown>;
  try {
    switch (job.kind as JobKind) {
      case 'backup':
        return await runBackup(host, jobId, report);
      case 'verify':
        return await runVerify(host, jobId, input as unknown as { backupId: string; destination?: string }, report);
      case 'prune':
        return await runPrune(host, jobId, report);
      case 'drill':
        return await runDrill(host, jobId, input, report);
      case 'restore':
        return await runRestore(host, jobId, input as unknown as Parameters<typeof runRestore>[2], report);
      default:
        throw new Error(`no runner for ${job.kind} jobs`);
    }
  } catch (error) {
    host.context.logger.error({ err: error, jobId, kind: job.kind }, 'backup job failed');
    const still = await dbOf(host)
      .selectFrom('backup_jobs')
      .select('status')
      .where('id', '=', jobId)
      .executeTakeFirst();
    if (still?.status === 'running')
      await recordOutcome(host.context.commands, { jobId, status: 'failed', result: {}, error: reasonOf(error) });
    return { status: 'failed', error: reasonOf(error) };
  }
}
