import { Readable } from 'node:stream';
import {
  DestinationError,
  type BackupDestination,
  type PutBody,
  type PutOptions,
  type StoredObject,
} from './destination.js';
import { countBytes } from './counted.js';
import { byKey, checkKey, checkPrefix } from './keys.js';
import { s3Session, type S3DestinationConfig, type S3Session } from './s3-client.js';

export type { S3DestinationConfig } from './s3-client.js';

const day = 24 * 60 * 60 * 1000;

/** Backups as objects in an S3 bucket (AWS, MinIO, Ceph); with object lock, objects the server cannot delete. */
export class S3Destination implements BackupDestination {
  readonly kind = 's3';
  readonly name: string;
  readonly #config: S3DestinationConfig;
  #session: Promise<S3Session> | undefined;

  constructor(config: S3DestinationConfig) {
    this.name = config.name;
    this.#config = config;
  }

  async put(key: string, body: PutBody, options: PutOptions = {}): Promise<{ size: number }> {
    const Key = this.#keyOf(key);
    const counted = countBytes(body);
    try {
      const { client, Upload } = await this.#s3();
      const upload = new Upload({
        client,
        // Streams go up in 8 MiB parts, two at a time: a bounded buffer whatever the backup's size.
        partSize: 8 * 1024 * 1024,
        queueSize: 2,
        params: { Bucket: this.#config.bucket, Key, Body: counted.stream, ...this.#lock(), ...contentType(options) },
      });
      await upload.done();
      return { size: counted.size() };
    } catch (error) {
      if (!Buffer.isBuffer(counted.stream)) counted.stream.destroy();
      throw this.#fail(`put of ${key}`, error);
    }
  }

  async get(key: string): Promise<Readable> {
    const Key = this.#keyOf(key);
    try {
      const { client, sdk } = await this.#s3();
      const { Body } = await client.send(new sdk.GetObjectCommand({ Bucket: this.#config.bucket, Key }));
      if (!(Body instanceof Readable)) throw new DestinationError(this.name, `get of ${key} returned no stream`);
      return Body;
    } catch (error) {
      throw this.#fail(`get of ${key}`, error);
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const full = this.#config.prefix + checkPrefix(this.name, prefix);
    const objects: StoredObject[] = [];
    try {
      const { client, sdk } = await this.#s3();
      let token: string | undefined;
      do {
        const page = await client.send(
          new sdk.ListObjectsV2Command({ Bucket: this.#config.bucket, Prefix: full, ContinuationToken: token }),
        );
        for (const item of page.Contents ?? []) {
          if (item.Key === undefined) continue;
          objects.push({ key: item.Key.slice(this.#config.prefix.length), size: item.Size ?? 0 });
        }
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    } catch (error) {
      throw this.#fail(`list of ${prefix}`, error);
    }
    return objects.sort(byKey);
  }

  async delete(key: string): Promise<void> {
    const Key = this.#keyOf(key);
    try {
      const { client, sdk } = await this.#s3();
      await client.send(new sdk.DeleteObjectCommand({ Bucket: this.#config.bucket, Key }));
    } catch (error) {
      throw this.#fail(`delete of ${key}`, error, this.#config.objectLockDays !== undefined);
    }
  }

  async close(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (session) (await session.catch(() => undefined))?.client.destroy();
  }

  #s3(): Promise<S3Session> {
    if (!this.#session) {
      const opening = s3Session(this.#config);
      // A missing secret file is reported now and read again next time (an operator may fix it meanwhile).
      opening.catch(() => (this.#session = undefined));
      this.#session = opening;
    }
    return this.#session;
  }

  /**
   * Compliance-mode lock on every object for `objectLockDays`: real S3 (and MinIO, Ceph) then refuses to
   * delete or overwrite it before that date, even for the account's root user, so a compromised server cannot
   * destroy its own backups. It needs a bucket created with object lock; s3rver (the tests' server) accepts the
   * headers and enforces nothing, so the tests check that they are sent, not that they hold.
   */
  #lock(): { ObjectLockMode?: 'COMPLIANCE'; ObjectLockRetainUntilDate?: Date; ChecksumAlgorithm?: 'CRC32' } {
    const days = this.#config.objectLockDays;
    if (days === undefined) return {};
    return {
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: new Date(Date.now() + days * day),
      // S3 refuses an upload with lock parameters that carries no integrity checksum (Content-MD5 or
      // x-amz-checksum-*); 'WHEN_REQUIRED' alone would send none, so ask for one here.
      ChecksumAlgorithm: 'CRC32',
    };
  }

  #keyOf(key: string): string {
    return this.#config.prefix + checkKey(this.name, key);
  }

  #fail(what: string, error: unknown, locking = false): DestinationError {
    if (error instanceof DestinationError) return error;
    const { code, status } = describe(error);
    const reason = status === undefined ? code : `${code}, HTTP ${status}`;
    return new DestinationError(this.name, `${what} failed (${reason})`, {
      notFound: code === 'NoSuchKey' || code === 'NotFound' || status === 404,
      locked: locking && code === 'AccessDenied',
      transient: status === undefined || status >= 500,
    });
  }
}

/**
 * Only the error's code and HTTP status: an SDK message can quote the request (the string to sign, headers),
 * and nothing of a request belongs in an audit record.
 */
function describe(error: unknown): { code: string; status?: number } {
  if (typeof error !== 'object' || error === null) return { code: 'error' };
  const { name, code, $metadata } = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode;
  return { code: code ?? name ?? 'error', ...(status === undefined ? {} : { status }) };
}

function contentType(options: PutOptions): { ContentType?: string } {
  return options.contentType === undefined ? {} : { ContentType: options.contentType };
}
