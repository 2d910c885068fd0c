import { createReadStream, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import {
  DestinationError,
  type BackupDestination,
  type StoredObject,
} from '../../src/modules/backup/destinations/destination.js';

/** The destination port over a local directory, until src/modules/backup/destinations/directory.ts exists. */
export class TestDirDestination implements BackupDestination {
  readonly kind = 'directory' as const;
  constructor(
    readonly name: string,
    readonly root: string,
  ) {}
  async put(key: string, body: Buffer | Readable): Promise<{ size: number }> {
    const data = Buffer.isBuffer(body) ? body : await buffer(body);
    mkdirSync(dirname(join(this.root, key)), { recursive: true });
    writeFileSync(`${join(this.root, key)}.tmp`, data);
    renameSync(`${join(this.root, key)}.tmp`, join(this.root, key));
    return { size: data.length };
  }
  get(key: string): Promise<Readable> {
    try {
      statSync(join(this.root, key));
    } catch {
      return Promise.reject(new DestinationError(this.name, `${key} not found`, { notFound: true }));
    }
    return Promise.resolve(createReadStream(join(this.root, key)));
  }
  list(prefix: string): Promise<StoredObject[]> {
    const entries = readdirSync(this.root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    const keys = entries.map((e) => relative(this.root, join(e.parentPath, e.name)).split('\\').join('/'));
    const objects = keys
      .filter((k) => k.startsWith(prefix))
      .sort()
      .map((key) => ({ key, size: statSync(join(this.root, key)).size }));
    return Promise.resolve(objects);
  }
  delete(key: string): Promise<void> {
    rmSync(join(this.root, key), { force: true });
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
