import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFile } from '../src/modules/backup/destinations/destination.js';
import { DestinationError, destinationFor, type BackupDestination } from '../src/modules/backup/destinations/index.js';
import { eventually, freePort } from './support/eventually.js';
import { MiB, readAll, randomStream, s3Config, sftpConfig, sha256 } from './support/destinations.js';
import { startS3Server, type OwnS3Server } from './support/s3-server.js';
import { startSftpServer, type OwnSftpServer } from './support/sftp-server.js';

interface Subject {
  destination: BackupDestination;
  teardown(): Promise<void>;
}

const kinds: { kind: string; open: () => Promise<Subject> }[] = [
  {
    kind: 'directory',
    open: () => {
      const path = mkdtempSync(join(tmpdir(), 'bastion-dest-'));
      const destination = destinationFor({ name: 'local', kind: 'directory', path });
      const teardown = () => Promise.resolve(rmSync(path, { recursive: true, force: true }));
      return Promise.resolve({ destination, teardown });
    },
  },
  {
    kind: 's3',
    open: async () => {
      const server = await startS3Server();
      const destination = destinationFor(s3Config(server, { prefix: 'site-a/' }));
      return { destination, teardown: async () => (await destination.close(), await server.close()) };
    },
  },
  {
    kind: 'sftp',
    open: async () => {
      const server = await startSftpServer();
      const destination = destinationFor(sftpConfig(server));
      return { destination, teardown: async () => (await destination.close(), await server.destroy()) };
    },
  },
];

describe.each(kinds)('the $kind destination', ({ open }) => {
  let subject: Subject;
  let destination: BackupDestination;
  beforeAll(async () => {
    subject = await open();
    destination = subject.destination;
  });
  afterAll(async () => subject.teardown());

  it('gets back exactly the bytes of a Buffer it was given, and reports their size', async () => {
    const body = randomBytes(4096);
    await expect(destination.put('round/trip.bin', body)).resolves.toEqual({ size: 4096 });
    expect((await readAll(await destination.get('round/trip.bin'))).equals(body)).toBe(true);
  });

  it('stores a 20 MiB stream and gives back the same SHA-256', async () => {
    const source = randomStream(20);
    await expect(destination.put('big/stream.bin', source.stream)).resolves.toEqual({ size: 20 * MiB });
    expect(sha256(await readAll(await destination.get('big/stream.bin')))).toBe(source.sha256());
  });

  it('stores a 20 MiB local file (a staged backup part) and gives back the same SHA-256', async () => {
    const bytes = randomBytes(20 * MiB);
    const file = join(mkdtempSync(join(tmpdir(), 'bastion-local-file-')), 'part.age');
    writeFileSync(file, bytes);
    await expect(destination.put('big/file.bin', new LocalFile(file))).resolves.toEqual({ size: 20 * MiB });
    expect(sha256(await readAll(await destination.get('big/file.bin')))).toBe(sha256(bytes));
    rmSync(dirname(file), { recursive: true, force: true });
  });

  it('lists every object under a prefix, recursively, in key order, with their sizes, and nothing beside it', async () => {
    await destination.put('list/b/2.bin', Buffer.alloc(3));
    await destination.put('list/a.bin', Buffer.alloc(1));
    await destination.put('list/b/1.bin', Buffer.alloc(2));
    await destination.put('listing/other.bin', Buffer.alloc(5));
    expect(await destination.list('list/')).toEqual([
      { key: 'list/a.bin', size: 1 },
      { key: 'list/b/1.bin', size: 2 },
      { key: 'list/b/2.bin', size: 3 },
    ]);
    expect(await destination.list('absent/')).toEqual([]);
  });

  it('replaces the content of a key put a second time', async () => {
    await destination.put('twice.txt', Buffer.from('first version, longer'));
    await destination.put('twice.txt', Buffer.from('second'));
    expect((await readAll(await destination.get('twice.txt'))).toString()).toBe('second');
  });

  it('throws notFound for a get after delete, and deletes an absent key without error', async () => {
    await destination.put('gone.txt', Buffer.from('x'));
    await destination.delete('gone.txt');
    await expect(destination.get('gone.txt')).rejects.toMatchObject({ name: 'DestinationError', notFound: true });
    await expect(destination.delete('gone.txt')).resolves.toBeUndefined();
  });

  it('throws a DestinationError with notFound for a key never written', async () => {
    await expect(destination.get('never/written.bin')).rejects.toMatchObject({
      name: 'DestinationError',
      notFound: true,
    });
  });

  it('refuses keys with "..", absolute keys and backslashes, writing nothing', async () => {
    for (const key of ['../escape.bin', 'a/../../escape.bin', '/etc/escape.bin', 'a\\escape.bin']) {
      await expect(destination.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(DestinationError);
    }
    await expect(destination.get('../escape.bin')).rejects.toBeInstanceOf(DestinationError);
    expect((await destination.list('')).filter((object) => object.key.includes('escape'))).toEqual([]);
  });
});

describe('the s3 destination against s3rver', () => {
  let server: OwnS3Server;
  beforeAll(async () => {
    server = await startS3Server();
  });
  afterAll(async () => server.close());

  const lockHeaders = (key: string) =>
    server.requests
      .filter((request) => request.url.includes(key) && request.headers['x-amz-object-lock-mode'] !== undefined)
      .map((request) => ({
        mode: request.headers['x-amz-object-lock-mode'],
        until: Date.parse(String(request.headers['x-amz-object-lock-retain-until-date'])),
      }));

  it('with objectLockDays 30 sends lock mode COMPLIANCE and a retain-until date 30 days ahead, for a Buffer and a stream, and stores both', async () => {
    const destination = destinationFor(s3Config(server, { objectLockDays: 30 }));
    await destination.put('locked/small.bin', Buffer.from('x'));
    await destination.put('locked/large.bin', randomStream(9).stream);
    const expected = Date.now() + 30 * 24 * 3600_000;
    for (const key of ['locked/small.bin', 'locked/large.bin']) {
      const [sent] = lockHeaders(key);
      expect(sent?.mode).toBe('COMPLIANCE');
      expect(Math.abs((sent?.until ?? 0) - expected)).toBeLessThan(120_000);
    }
    expect(await destination.list('locked/')).toEqual([
      { key: 'locked/large.bin', size: 9 * MiB },
      { key: 'locked/small.bin', size: 1 },
    ]);
    await destination.close();
  });

  it('with objectLockDays sends a CRC32 checksum with every object and part it uploads (S3 refuses a lock without one)', async () => {
    const destination = destinationFor(s3Config(server, { objectLockDays: 1 }));
    await destination.put('checksummed/small.bin', Buffer.from('x'));
    await destination.put('checksummed/large.bin', randomStream(9).stream);
    const uploads = server.requests.filter((r) => r.method === 'PUT' && r.url.includes('checksummed/'));
    expect(uploads.length).toBe(3);
    expect(uploads.filter((r) => r.headers['x-amz-checksum-crc32'] === undefined)).toEqual([]);
  });

  it('without objectLockDays sends no lock header', async () => {
    const destination = destinationFor(s3Config(server));
    await destination.put('unlocked.bin', Buffer.from('x'));
    expect(lockHeaders('unlocked.bin')).toEqual([]);
  });

  it('sends a 20 MiB stream as a multipart upload of 8 MiB parts', async () => {
    const destination = destinationFor(s3Config(server));
    await destination.put('multipart.bin', randomStream(20).stream);
    const parts = server.requests.filter(
      (r) => r.method === 'PUT' && r.url.includes('multipart.bin?') && r.url.includes('partNumber='),
    );
    expect(parts.map((part) => Number(part.headers['content-length']))).toEqual([8 * MiB, 8 * MiB, 4 * MiB]);
  });

  it('with a wrong secret fails with a DestinationError that does not contain the secret', async () => {
    const secretFile = join(server.dir, 'wrong-secret');
    writeFileSync(secretFile, 'wrong-secret-9f8e7d6c5b4a\n');
    const destination = destinationFor({ ...s3Config(server), secretAccessKeyFile: secretFile });
    const error: unknown = await destination.put('denied.bin', Buffer.from('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationError);
    expect((error as Error).message).toMatch(/SignatureDoesNotMatch, HTTP 403/);
    expect((error as Error).message).not.toContain('wrong-secret-9f8e7d6c5b4a');
  });

  it('with an unreadable secret file fails with a DestinationError naming secretAccessKeyFile', async () => {
    const destination = destinationFor({ ...s3Config(server), secretAccessKeyFile: join(server.dir, 'absent') });
    await expect(destination.put('nokey.bin', Buffer.from('x'))).rejects.toThrow(
      /^offsite: cannot read secretAccessKeyFile .*absent \(ENOENT\)$/,
    );
  });

  it('with its endpoint down fails within 15 s with a DestinationError', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const destination = destinationFor(s3Config(server, { endpoint }));
    const started = Date.now();
    await expect(destination.put('down.bin', Buffer.from('x'))).rejects.toBeInstanceOf(DestinationError);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('the s3 destination over HTTPS', () => {
  let server: OwnS3Server;
  beforeAll(async () => {
    server = await startS3Server({ tls: true });
  });
  afterAll(async () => server.close());

  it('trusts a self-signed endpoint whose certificate is the caFile, and refuses it without', async () => {
    const trusting = destinationFor({
      ...s3Config(server),
      ...(server.caFile === undefined ? {} : { caFile: server.caFile }),
    });
    await trusting.put('tls/object.bin', Buffer.from('over tls'));
    expect((await readAll(await trusting.get('tls/object.bin'))).toString()).toBe('over tls');
    const untrusting = destinationFor(s3Config(server));
    await expect(untrusting.get('tls/object.bin')).rejects.toThrow(/DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED/);
    await Promise.all([trusting.close(), untrusting.close()]);
  });
});

describe('the sftp destination against OpenSSH', () => {
  let server: OwnSftpServer;
  beforeAll(async () => {
    server = await startSftpServer();
  });
  afterAll(async () => server.destroy());

  it('with a wrong pinned fingerprint refuses before authenticating and writes nothing', async () => {
    const preauthBefore = server.log().split('[preauth]').length;
    const destination = destinationFor(sftpConfig(server, `SHA256:${'A'.repeat(43)}`));
    await expect(destination.put('impostor.bin', Buffer.from('x'))).rejects.toThrow(
      'vault: host key does not match the pinned fingerprint',
    );
    // sshd logs the end of the refused connection; by then it would have logged any authentication.
    const preauthAfter = await eventually(
      () => server.log().split('[preauth]').length,
      (n) => n > preauthBefore,
    );
    expect(preauthAfter).toBeGreaterThan(preauthBefore);
    expect(server.log()).not.toMatch(/Accepted publickey|Failed publickey|Postponed publickey/);
    expect(readdirSync(server.root, { recursive: true })).toEqual([]);
  });

  it('fails a put with a DestinationError while the server is down, and the same object works once it is back', async () => {
    const destination = destinationFor(sftpConfig(server));
    await destination.put('before.txt', Buffer.from('up'));
    await server.stop();
    await expect(destination.put('during.txt', Buffer.from('down'))).rejects.toBeInstanceOf(DestinationError);
    await server.start();
    await destination.put('after.txt', Buffer.from('back'));
    expect((await readAll(await destination.get('after.txt'))).toString()).toBe('back');
    await destination.close();
  });
});

describe('the directory destination on disk', () => {
  let root: string;
  let destination: BackupDestination;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'bastion-dest-'));
    destination = destinationFor({ name: 'local', kind: 'directory', path: join(root, 'backups') });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('leaves no .tmp- file and no object when the stream fails midway', async () => {
    const failing = Readable.from(
      (function* () {
        yield randomBytes(MiB);
        throw new Error('source broke');
      })(),
    );
    await expect(destination.put('broken/object.bin', failing)).rejects.toBeInstanceOf(DestinationError);
    expect(readdirSync(join(root, 'backups'), { recursive: true })).toEqual(['broken']);
    await expect(destination.get('broken/object.bin')).rejects.toMatchObject({ notFound: true });
  });

  it('creates directories 0700 and files 0600', async () => {
    await destination.put('modes/deep/file.bin', Buffer.from('x'));
    expect(statSync(join(root, 'backups', 'modes', 'deep')).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'backups', 'modes', 'deep', 'file.bin')).mode & 0o777).toBe(0o600);
  });
});
