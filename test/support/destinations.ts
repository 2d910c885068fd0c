import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { OwnS3Server } from './s3-server.js';
import type { OwnSftpServer } from './sftp-server.js';

export const MiB = 1024 * 1024;

/** A stream's whole content (the objects the tests read are at most tens of MiB). */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** `mib` MiB of random bytes as a stream of 1 MiB chunks, and their SHA-256 once it has been read. */
export function randomStream(mib: number): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  const stream = Readable.from(
    (function* () {
      for (let i = 0; i < mib; i += 1) {
        const chunk = randomBytes(MiB);
        hash.update(chunk);
        yield chunk;
      }
    })(),
  );
  return { stream, sha256: () => hash.digest('hex') };
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A valid `s3` destination entry for the tests' server, path-style as self-hosted servers need. */
export function s3Config(
  server: OwnS3Server,
  extra: { prefix?: string; objectLockDays?: number; endpoint?: string } = {},
) {
  return {
    name: 'offsite',
    kind: 's3' as const,
    endpoint: server.endpoint,
    region: 'us-east-1',
    bucket: server.bucket,
    prefix: '',
    accessKeyId: server.accessKeyId,
    secretAccessKeyFile: server.secretFile,
    forcePathStyle: true,
    ...extra,
  };
}

/** A valid `sftp` destination entry for the tests' sshd, pinned to its host key unless told otherwise. */
export function sftpConfig(server: OwnSftpServer, hostKeyFingerprint = server.hostKeyFingerprint) {
  return {
    name: 'vault',
    kind: 'sftp' as const,
    host: server.host,
    port: server.port,
    username: server.username,
    privateKeyFile: server.privateKeyFile,
    hostKeyFingerprint,
    path: server.root,
  };
}
