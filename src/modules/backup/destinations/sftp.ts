import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type SftpClient from 'ssh2-sftp-client';
import { countBytes } from './counted.js';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DestinationError, LocalFile, type BackupDestination, type PutBody, type StoredObject } from './destination.js';
import { matchesPinned } from './host-key.js';
import { byKey, checkKey, checkPrefix, readSecretFile, temporaryName } from './keys.js';

export interface SftpDestinationConfig {
  name: string;
  host: string;
  port: number;
  username: string;
  privateKeyFile: string;
  hostKeyFingerprint: string;
  path: string;
}

/** Backups as files on an SFTP server (OpenSSH), over one lazily opened connection to a pinned host key. */
export class SftpDestination implements BackupDestination {
  readonly kind = 'sftp';
  readonly name: string;
  readonly #config: SftpDestinationConfig;
  #session: Promise<SftpClient> | undefined;

  constructor(config: SftpDestinationConfig) {
    this.name = config.name;
    this.#config = config;
  }

  async put(key: string, body: PutBody): Promise<{ size: number }> {
    const target = this.#pathOf(key);
    const temp = temporaryName(target, randomBytes(8).toString('hex'));
    return this.#run(`put of ${key}`, async (sftp) => {
      await sftp.mkdir(posix.dirname(target), true);
      if (body instanceof LocalFile) return this.#putFile(sftp, body, temp, target);
      const counted = countBytes(body);
      try {
        await sftp.put(counted.stream, temp);
        await replace(sftp, temp, target);
      } catch (error) {
        await sftp.delete(temp, true).catch(() => undefined);
        throw error;
      }
      return { size: counted.size() };
    });
  }

  /**
   * A stream over SFTP waits for each 32 KiB write's answer (a few MB/s, even on loopback); a file goes with
   * many writes in flight (`fastPut`), as OpenSSH's own sftp client sends it.
   */
  async #putFile(sftp: SftpClient, file: LocalFile, temp: string, target: string): Promise<{ size: number }> {
    try {
      await sftp.fastPut(file.path, temp, { concurrency: 32, chunkSize: 65_536 });
      await replace(sftp, temp, target);
    } catch (error) {
      await sftp.delete(temp, true).catch(() => undefined);
      throw error;
    }
    return { size: (await stat(file.path)).size };
  }

  /** Fetched whole with many reads in flight (`fastGet`) into a private temporary file, then read from it. */
  async get(key: string): Promise<Readable> {
    const path = this.#pathOf(key);
    return this.#run(`get of ${key}`, async (sftp) => {
      // Stat first: a missing file is a clear notFound.
      await sftp.stat(path);
      const dir = await mkdtemp(join(tmpdir(), 'bastion-sftp-get-'));
      const local = join(dir, 'object');
      try {
        await sftp.fastGet(path, local, { concurrency: 32, chunkSize: 65_536 });
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
      const stream = createReadStream(local);
      stream.once('close', () => void rm(dir, { recursive: true, force: true }));
      return stream;
    });
  }

  async list(prefix: string): Promise<StoredObject[]> {
    checkPrefix(this.name, prefix);
    const base = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const objects = await this.#run(`list of ${prefix}`, async (sftp) => {
      try {
        return await walk(sftp, this.#config.path, base);
      } catch (error) {
        // An absent prefix lists nothing, as it does on S3.
        if (isNotFound(error)) return [];
        throw error;
      }
    });
    return objects.filter((object) => object.key.startsWith(prefix)).sort(byKey);
  }

  async delete(key: string): Promise<void> {
    const path = this.#pathOf(key);
    await this.#run(`delete of ${key}`, (sftp) => sftp.delete(path, true));
  }

  async close(): Promise<void> {
    if (this.#session) await this.#forget(this.#session);
  }

  async #run<T>(what: string, operation: (sftp: SftpClient) => Promise<T>): Promise<T> {
    const session = this.#connect();
    try {
      return await operation(await session);
    } catch (error) {
      // Anything but a missing file may have left the connection unusable: the next call opens a new one.
      if (!isNotFound(error)) await this.#forget(session);
      throw this.#fail(what, error);
    }
  }

  #connect(): Promise<SftpClient> {
    if (this.#session) return this.#session;
    const session: Promise<SftpClient> = this.#open(() => {
      // A dropped connection (server restart, network) is replaced on the next call.
      if (this.#session === session) this.#session = undefined;
    });
    this.#session = session;
    return session;
  }

  async #forget(session: Promise<SftpClient>): Promise<void> {
    if (this.#session === session) this.#session = undefined;
    const sftp = await session.catch(() => undefined);
    await sftp?.end().catch(() => undefined);
  }

  async #open(forget: () => void): Promise<SftpClient> {
    // Loaded on first use, not at start-up: most installations have no SFTP destination.
    const { default: Client } = await import('ssh2-sftp-client');
    const sftp = new Client(this.name, { error: forget, end: forget, close: forget });
    let refusedHostKey = false;
    try {
      await sftp.connect({
        host: this.#config.host,
        port: this.#config.port,
        username: this.#config.username,
        privateKey: await readSecretFile(this.name, 'privateKeyFile', this.#config.privateKeyFile),
        readyTimeout: 10_000,
        // Checked during key exchange, before any authentication: an impostor never sees our public key.
        hostVerifier: (key: Buffer): boolean => {
          refusedHostKey = !matchesPinned(key, this.#config.hostKeyFingerprint);
          return !refusedHostKey;
        },
      });
      return sftp;
    } catch (error) {
      if (refusedHostKey) throw new DestinationError(this.name, 'host key does not match the pinned fingerprint');
      throw error;
    }
  }

  #pathOf(key: string): string {
    return posix.join(this.#config.path, checkKey(this.name, key));
  }

  #fail(what: string, error: unknown): DestinationError {
    if (error instanceof DestinationError) return error;
    const code = (error as { code?: string | number }).code ?? 'error';
    return new DestinationError(this.name, `${what} failed (${code})`, {
      notFound: isNotFound(error),
      transient: typeof code === 'string' && code.startsWith('E'),
    });
  }
}

/** OpenSSH's posix-rename replaces the target atomically; plain SFTP rename refuses an existing target. */
async function replace(sftp: SftpClient, from: string, to: string): Promise<void> {
  try {
    await sftp.posixRename(from, to);
  } catch (error) {
    if (!/not support/i.test((error as Error).message)) throw error;
    await sftp.delete(to, true);
    await sftp.rename(from, to);
  }
}

async function walk(sftp: SftpClient, root: string, dir: string): Promise<StoredObject[]> {
  const entries = await sftp.list(posix.join(root, dir));
  const nested = await Promise.all(
    entries.map(async (entry): Promise<StoredObject[]> => {
      const key = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.type === 'd') return walk(sftp, root, key);
      return entry.type === '-' && !entry.name.includes('.tmp-') ? [{ key, size: entry.size }] : [];
    }),
  );
  return nested.flat();
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 2 || code === 'ENOENT';
}
