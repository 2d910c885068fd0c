import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { createReadStream } from 'node:fs';
import { DestinationError, LocalFile, type BackupDestination, type PutBody, type StoredObject } from './destination.js';
import { byKey, checkKey, checkPrefix, temporaryName } from './keys.js';

export interface DirectoryDestinationConfig {
  name: string;
  path: string;
}

/** Backups as files under a local or mounted directory; readers never see a half-written file. */
export class DirectoryDestination implements BackupDestination {
  readonly kind = 'directory';
  readonly name: string;
  readonly #root: string;

  constructor(config: DirectoryDestinationConfig) {
    this.name = config.name;
    this.#root = config.path;
  }

  async put(key: string, body: PutBody): Promise<{ size: number }> {
    const target = this.#pathOf(key);
    const temp = temporaryName(target, randomBytes(8).toString('hex'));
    try {
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      const size = await writeDurably(temp, body);
      await rename(temp, target);
      // The rename is only durable once the directory entry is on disk too.
      await syncDirectory(dirname(target));
      return { size };
    } catch (error) {
      await rm(temp, { force: true });
      throw this.#fail(`put of ${key}`, error);
    }
  }

  async get(key: string): Promise<Readable> {
    const path = this.#pathOf(key);
    try {
      const handle = await open(path, 'r');
      return handle.createReadStream();
    } catch (error) {
      throw this.#fail(`get of ${key}`, error);
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    checkPrefix(this.name, prefix);
    // Walk the deepest directory the prefix names, then keep the keys that start with it (as S3 does).
    const base = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    try {
      const entries = await readdir(join(this.#root, base), { recursive: true, withFileTypes: true });
      const files = entries.filter((entry) => entry.isFile() && !entry.name.includes('.tmp-'));
      const objects = await Promise.all(
        files.map(async (entry) => {
          const path = join(entry.parentPath, entry.name);
          const key = relative(this.#root, path).split(sep).join('/');
          return { key, size: (await stat(path)).size };
        }),
      );
      return objects.filter((object) => object.key.startsWith(prefix)).sort(byKey);
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return [];
      throw this.#fail(`list of ${prefix}`, error);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await rm(this.#pathOf(key), { force: true });
    } catch (error) {
      throw this.#fail(`delete of ${key}`, error);
    }
  }

  async close(): Promise<void> {
    // No connection to end.
  }

  #pathOf(key: string): string {
    return join(this.#root, checkKey(this.name, key));
  }

  #fail(what: string, error: unknown): DestinationError {
    if (error instanceof DestinationError) return error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return new DestinationError(this.name, `${what} failed (${code})`, { notFound: code === 'ENOENT' });
  }
}

async function writeDurably(path: string, body: PutBody): Promise<number> {
  const handle = await open(path, 'wx', 0o600);
  try {
    const source = body instanceof LocalFile ? createReadStream(body.path) : body;
    const size = Buffer.isBuffer(source) ? await writeAll(handle, source) : await writeStream(handle, source);
    await handle.sync();
    return size;
  } finally {
    await handle.close();
  }
}

async function writeStream(handle: FileHandle, body: Readable): Promise<number> {
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    size += await writeAll(handle, typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return size;
}

async function writeAll(handle: FileHandle, data: Buffer): Promise<number> {
  // A write may take fewer bytes than offered (a full NFS or SMB mount); go on from where it stopped.
  for (let offset = 0; offset < data.length;) {
    offset += (await handle.write(data, offset)).bytesWritten;
  }
  return data.length;
}

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isErrno(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException).code === code;
}
