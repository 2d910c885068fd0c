import { copyFileSync, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { backupHostOf } from '../src/app/backup-host.js';
import { openBastion } from '../src/app/bastion.js';
import { initialize } from '../src/app/init.js';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { loadConfig } from '../src/kernel/config/load.js';
import { keysDir, loadPublicKey } from '../src/kernel/keys/key-store.js';
import { createLogger } from '../src/kernel/logger.js';
import { PUBLIC_KEY_FILE } from '../src/modules/audit/index.js';
import {
  backupDestinations,
  backupJobCommands,
  checkRestored,
  readIdentityFile,
  readManifest,
  restoreBackup,
  runJob,
} from '../src/modules/backup/index.js';
import { LocalFile } from '../src/modules/backup/destinations/destination.js';
import { sqliteFile } from '../src/storage/files.js';
import { ageIdentity, writeBackupConfig } from '../test/support/backup.js';
import { startS3Server } from '../test/support/s3-server.js';
import { startSftpServer } from '../test/support/sftp-server.js';
import { fillDatabase } from './backup/fill.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

async function timed<T>(work: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/**
 * `npm run bench -- backup`: a database of BASTION_BENCH_SCALE MiB (default 1024) backed up (snapshot, zstd,
 * age, signed manifest) to a directory, an S3 server (s3rver) and an SFTP server (OpenSSH) on loopback, then
 * restored from S3 and checked (digests, integrity, row counts, audit log); against, in the same run, a plain
 * file copy of the same database, and the same bytes copied plainly to the three destinations and back.
 */
export async function run(): Promise<void> {
  const scale = Number(process.env.BASTION_BENCH_SCALE ?? 1024);
  const work = mkdtempSync(join(tmpdir(), 'bastion-bench-backup-'));
  const [s3, sftp] = await Promise.all([startS3Server(), startSftpServer()]);
  try {
    const identity = ageIdentity(join(work, 'officer'));
    const configFile = writeBackupConfig({ dir: work, identity, localPath: join(work, 'local'), s3, sftp, quorum: 3 });
    const env = { BASTION_CONFIG: configFile, BASTION_DATA_DIR: join(work, 'data'), BASTION_LOG_LEVEL: 'silent' };
    const config = loadConfig({ env, cwd: work });
    const logger = createLogger('silent');
    await initialize(config, logger);
    console.log(`Backup bench: SQLite, ${scale} MiB target; Node ${process.version}, ${cpus().length} CPUs`);
    const fill = fillDatabase(sqliteFile(config), scale);
    console.log(
      `  database: ${mb(fill.bytes)}, ${fill.rows.toLocaleString('en-US')} telemetry rows (filled in ${seconds(fill.ms)})`,
    );

    const file = sqliteFile(config);
    const plain = await timed(() => copyFileSync(file, join(work, 'plain-copy.db')));
    rmSync(join(work, 'plain-copy.db'));
    const destinations = backupDestinations(config);
    const plainThree = await timed(async () => {
      await Promise.all(destinations.map((d) => d.put('plain/bastion.db', new LocalFile(file))));
      await pipeline(await destinations[1]!.get('plain/bastion.db'), createWriteStream(join(work, 'plain-back.db')));
    });
    for (const d of destinations) await d.delete('plain/bastion.db');
    rmSync(join(work, 'plain-back.db'));
    console.log(`\n1. Baselines (same database, same run)`);
    console.log(`   plain file copy:                                ${seconds(plain.ms)}`);
    console.log(`   plain copy to the 3 destinations and back from S3: ${seconds(plainThree.ms)}`);

    const bastion = await openBastion(config, { logger });
    const stages = new Map<string, number>();
    let stage = '';
    let stageStart = performance.now();
    const report = (name: string) => {
      if (name === stage) return;
      const now = performance.now();
      if (stage !== '') stages.set(stage, (stages.get(stage) ?? 0) + now - stageStart);
      stage = name;
      stageStart = now;
    };
    const backup = await timed(async () => {
      const { jobId } = (await bastion.pipeline.execute(
        backupJobCommands(config).backup,
        {},
        CONSOLE_ACTOR,
        CLI_ORIGIN,
      )) as { jobId: string };
      return runJob(backupHostOf(bastion), jobId, report);
    });
    report('');
    const result = backup.value as { status: string; backupId: string; bytes: number };
    if (result.status !== 'succeeded') throw new Error(`the backup failed: ${JSON.stringify(result)}`);
    console.log(
      `\n2. Backup to the 3 destinations: ${seconds(backup.ms)} (${mb(result.bytes)} stored per destination)`,
    );
    for (const [name, ms] of stages) console.log(`   ${name.padEnd(12)} ${seconds(ms)}`);
    await bastion.close();

    const into = join(work, 'restored');
    const publicKey = loadPublicKey(join(keysDir(config.dataDir), 'backup-signing.pub'));
    const restore = await timed(async () => {
      const s3Destination = destinations[1]!;
      const manifest = await readManifest(s3Destination, result.backupId, publicKey);
      await restoreBackup({
        destination: s3Destination,
        id: result.backupId,
        publicKey,
        identity: readIdentityFile(identity.identityFile),
        into,
        force: false,
      });
      return checkRestored({ into, manifest, publicKey: loadPublicKey(join(keysDir(into), PUBLIC_KEY_FILE)) });
    });
    if (!restore.value.ok) throw new Error(`the restore failed its checks: ${JSON.stringify(restore.value.checks)}`);
    console.log(
      `\n3. Restore from S3 and verify (signature, digests, integrity, row counts, audit): ${seconds(restore.ms)}`,
    );
    console.log(`   restored database: ${mb(statSync(join(into, 'bastion.db')).size)}`);

    const total = backup.ms + restore.ms;
    const ratio = total / plain.ms;
    const ratioThree = total / plainThree.ms;
    console.log(`\n4. Backup + verified restore: ${seconds(total)}`);
    console.log(
      `   vs plain file copy:                 ${ratio.toFixed(2)}x (goal <= 3x: ${ratio <= 3 ? 'met' : 'NOT met'})`,
    );
    console.log(`   vs plain copy to 3 destinations + back: ${ratioThree.toFixed(2)}x`);
    console.log(
      `\n${JSON.stringify({ bench: 'backup', megabytes: Math.round(fill.bytes / 1048576), plainMs: Math.round(plain.ms), plainThreeMs: Math.round(plainThree.ms), backupMs: Math.round(backup.ms), restoreMs: Math.round(restore.ms), stages: Object.fromEntries([...stages].map(([k, v]) => [k, Math.round(v)])), ratio: Number(ratio.toFixed(2)), ratioThree: Number(ratioThree.toFixed(2)), storedBytes: result.bytes })}`,
    );
  } finally {
    await Promise.allSettled([s3.close(), sftp.destroy()]);
    rmSync(work, { recursive: true, force: true });
  }
}
