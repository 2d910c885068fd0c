import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startS3Server } from './s3-server.js';
import { startSftpServer } from './sftp-server.js';

export type S3Server = Awaited<ReturnType<typeof startS3Server>>;
export type SftpServer = Awaited<ReturnType<typeof startSftpServer>>;

/**
 * An age identity made by Debian's `age-keygen`, an implementation independent of the one Bastion encrypts
 * with: the recipient Bastion is configured with is the one age itself printed.
 */
export function ageIdentity(dir: string): { identityFile: string; recipient: string } {
  mkdirSync(dir, { recursive: true });
  const identityFile = join(dir, 'backup-identity.txt');
  execFileSync('age-keygen', ['-o', identityFile], { stdio: 'pipe' });
  const recipient = /# public key: (age1[0-9a-z]+)/.exec(readFileSync(identityFile, 'utf8'))?.[1];
  if (recipient === undefined) throw new Error('age-keygen wrote no public key');
  return { identityFile, recipient };
}

export interface BackupConfigSpec {
  dir: string;
  identity: { identityFile: string; recipient: string };
  localPath?: string;
  s3?: S3Server;
  sftp?: SftpServer;
  quorum?: number;
  extra?: Record<string, unknown>;
}

/** The S3 and SFTP destinations of the test servers, as a configuration names them. */
export function destinationsOf(spec: BackupConfigSpec): Record<string, unknown>[] {
  return [
    ...(spec.localPath !== undefined ? [{ name: 'local', kind: 'directory', path: spec.localPath }] : []),
    ...(spec.s3
      ? [
          {
            name: 'offsite-s3',
            kind: 's3',
            endpoint: spec.s3.endpoint,
            bucket: spec.s3.bucket,
            accessKeyId: spec.s3.accessKeyId,
            secretAccessKeyFile: spec.s3.secretFile,
            forcePathStyle: true,
            prefix: `${Math.random().toString(36).slice(2, 10)}/`,
          },
        ]
      : []),
    ...(spec.sftp
      ? [
          {
            name: 'vault-sftp',
            kind: 'sftp',
            host: spec.sftp.host,
            port: spec.sftp.port,
            username: spec.sftp.username,
            privateKeyFile: spec.sftp.privateKeyFile,
            hostKeyFingerprint: spec.sftp.hostKeyFingerprint,
            path: join(spec.sftp.root, Math.random().toString(36).slice(2, 10)),
          },
        ]
      : []),
  ];
}

/** Writes `bastion.config.json` with backups to the given destinations; returns its path (for BASTION_CONFIG). */
export function writeBackupConfig(spec: BackupConfigSpec): string {
  mkdirSync(spec.dir, { recursive: true });
  const file = join(spec.dir, 'bastion.config.json');
  const config = {
    backup: {
      destinations: destinationsOf(spec),
      recipients: [spec.identity.recipient],
      identityFile: spec.identity.identityFile,
      everyMinutes: 0,
      attempts: 2,
      drill: { everyHours: 0 },
      ...(spec.quorum !== undefined ? { quorum: spec.quorum } : {}),
    },
    ...spec.extra,
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
