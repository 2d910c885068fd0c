import type { Readable } from 'node:stream';

/**
 * One place backups are kept. Keys are relative, '/'-separated paths (`backups/<id>/manifest.json`,
 * `witness/checkpoint-000000001000.json`); each destination maps them under its own root or prefix.
 * Every method may throw a DestinationError naming the destination and a safe reason.
 */
export interface BackupDestination {
  /** The configured name (`backup.destinations[].name`). */
  readonly name: string;
  readonly kind: 'directory' | 's3' | 'sftp';
  /**
   * Writes an object so that readers see all of it or none of it (temporary name + rename, or one S3 upload).
   * A Buffer body may be retried by the caller; a stream is read once. Overwrites an object of that key.
   */
  put(key: string, body: PutBody, options?: PutOptions): Promise<{ size: number }>;
  /** Reads an object; throws DestinationError with `notFound` true when there is none. */
  get(key: string): Promise<Readable>;
  /** Every object under `prefix` (recursively), in key order. An absent prefix lists nothing. */
  list(prefix: string): Promise<StoredObject[]>;
  /** Removes an object (an S3 object still under lock refuses: DestinationError with `locked`). Absent is fine. */
  delete(key: string): Promise<void>;
  /** Ends connections (SFTP); the destination may be used again after, reconnecting. */
  close(): Promise<void>;
}

/**
 * A file on local disk (a staged backup part): a destination may send it its own fastest way (SFTP: many
 * writes in flight at once, where a stream waits for each write's answer) and read it again for a retry.
 */
export class LocalFile {
  constructor(readonly path: string) {}
}

export type PutBody = Buffer | Readable | LocalFile;

export interface PutOptions {
  /** S3 with `objectLockDays`: the destination sets the lock itself; other kinds ignore it. */
  contentType?: string;
}

export interface StoredObject {
  key: string;
  size: number;
}

/** A destination that failed: the message is safe for the audit log and API (no secret, no stack). */
export class DestinationError extends Error {
  constructor(
    readonly destination: string,
    message: string,
    readonly flags: { notFound?: boolean; locked?: boolean; transient?: boolean } = {},
  ) {
    super(`${destination}: ${message}`);
    this.name = 'DestinationError';
  }
  get notFound(): boolean {
    return this.flags.notFound === true;
  }
}
