import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zstdDecompressSync } from 'node:zlib';
import pg from 'pg';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../src/kernel/actors.js';
import { canonicalJson } from '../src/kernel/canonical-json.js';
import { KeyStore, loadPublicKey } from '../src/kernel/keys/key-store.js';
import {
  backupSigner,
  BackupInvalidError,
  checkRestored,
  createBackup,
  listBackups,
  manifestKey,
  readIdentityFile,
  readManifest,
  restoreBackup,
  RestoreRefusedError,
  signatureKey,
  verifyBackup,
  type BackupManifest,
  type StagedBackup,
} from '../src/modules/backup/archive/index.js';
import { identityToRecipient } from 'age-encryption';
import { Frontier } from '../src/modules/audit/merkle.js';
import { TestDirDestination } from './support/backup-dir-destination.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { dropDatabase, testDialect } from './support/database.js';
import { testWriteCommand } from './support/write-command.js';

const write = testWriteCommand;

const work = mkdtempSync(join(tmpdir(), 'bastion-backup-test-'));

/** Uploads the staged parts first and the manifest last, as the runner does. */
async function upload(staged: StagedBackup, destination: TestDirDestination): Promise<void> {
  for (const file of staged.files) await destination.put(file.key, readFileSync(file.path));
  await destination.put(manifestKey(staged.id), staged.manifestBytes);
  await destination.put(signatureKey(staged.id), staged.signature);
}

describe(`backup archive (${testDialect})`, () => {
  let t: TestBastion;
  let staged: StagedBackup;
  let manifest: BackupManifest;
  let destination: TestDirDestination;
  let identity: string;
  let identityFile: string;
  let writesDuringBackup: number;
  const backupKey = () => backupSigner(t.dataDir).publicKey;
  const auditKey = () => loadPublicKey(t.bastion.publicKeyFile);

  beforeAll(async () => {
    t = await createTestBastion({ BASTION_AUDIT_CHECKPOINT_EVERY: '50' });
    t.bastion.permissions.register({ name: 'test.write', description: 'test only' });
    t.bastion.pipeline.register(write);
    identityFile = join(work, 'identity.txt');
    execFileSync('age-keygen', ['-o', identityFile], { stdio: 'ignore' });
    identity = readIdentityFile(identityFile);
    let written = 0;
    let stop = false;
    const writer = (async () => {
      while (!stop) {
        await t.bastion.pipeline.execute('test.write', { n: (written += 1) }, SYSTEM_ACTOR, SYSTEM_ORIGIN);
        // SQLite commands complete in microtasks: without a turn of the event loop the writer would starve it.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const before = written;
    staged = await createBackup({
      config: t.config,
      storage: t.bastion.storage,
      signer: backupSigner(t.dataDir),
      recipients: [await identityToRecipient(identity)],
      version: 'test',
      onBeforeSnapshot: () => t.bastion.audit.checkpointNow(),
    });
    writesDuringBackup = written - before;
    stop = true;
    await writer;
    manifest = staged.manifest;
    destination = new TestDirDestination('here', join(work, 'dest'));
    await upload(staged, destination);
  });
  afterAll(async () => {
    staged.dispose();
    await t.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  it('a backup taken while commands are written restores into a new directory whose checks all pass', async () => {
    expect(writesDuringBackup).toBeGreaterThan(0);
    const databaseUrl = testDialect === 'postgres' ? await freshTarget() : undefined;
    try {
      const into = join(work, 'restored');
      await restoreBackup({ destination, id: staged.id, publicKey: backupKey(), identity, into, databaseUrl });
      const report = await checkRestored({ into, databaseUrl, manifest, publicKey: auditKey() });
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.audit.recordsChecked).toBe(manifest.audit.treeSize);
      expect(manifest.tables.audit_records).toBe(manifest.audit.treeSize);
      expect(existsSync(join(into, 'keys', 'audit-signing.key'))).toBe(true);
      // A PostgreSQL restore targets another database: the old binding is left for the first open to replace.
      expect(existsSync(join(into, 'database.json'))).toBe(testDialect === 'sqlite');
    } finally {
      await dropDatabase(databaseUrl);
    }
  });

  it('the manifest counts describe the snapshot instant: fewer audit records than the live log after the writes', async () => {
    const live = await t.bastion.storage.db
      .selectFrom('audit_records')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(manifest.audit.treeSize).toBeLessThan(Number(live.n));
    expect(manifest.audit.checkpoint).not.toBeNull();
  });

  it("the manifest's tree head is the Merkle root over every record the snapshot holds, recomputed leaf by leaf", async () => {
    const rows = await t.bastion.storage.db
      .selectFrom('audit_records')
      .select('hash')
      .where('seq', '<=', manifest.audit.treeSize)
      .orderBy('seq')
      .execute();
    const tree = new Frontier();
    for (const row of rows) tree.append(Buffer.from(row.hash));
    expect(tree.size).toBe(manifest.audit.treeSize);
    expect(tree.root().toString('hex')).toBe(manifest.audit.rootHash);
    const signed = JSON.parse(manifest.audit.checkpoint!.body) as { treeSize: number; rootHash: string };
    expect(signed.treeSize).toBeLessThanOrEqual(manifest.audit.treeSize);
  });

  it('database.age decrypts with the age CLI and decompresses to the database: a valid SQLite file, or a pg_dump archive pg_restore reads', () => {
    const plain = zstdDecompressSync(
      execFileSync('age', ['-d', '-i', identityFile, join(destination.root, manifest.parts[0]!.key)]),
    );
    if (testDialect === 'postgres') {
      // pg_restore --list reads the custom-format archive's table of contents: the audit table is in it.
      const dump = join(work, 'cli.dump');
      writeFileSync(dump, plain);
      expect(execFileSync('pg_restore', ['--list', dump]).toString('utf8')).toMatch(/TABLE DATA public audit_records/);
      return;
    }
    const file = join(work, 'cli.db');
    writeFileSync(file, plain);
    const db = new SqliteDatabase(file, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('select count(*) as n from audit_records').get()).toEqual({ n: manifest.audit.treeSize });
    } finally {
      db.close();
    }
  });

  it('one flipped byte in database.age is reported as a digest problem of that part, and restore refuses it', async () => {
    const copy = new TestDirDestination('copy', join(work, 'flipped'));
    cpSync(destination.root, copy.root, { recursive: true });
    const file = join(copy.root, manifest.parts[0]!.key);
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(file, bytes);
    const verification = await verifyBackup(copy, staged.id, backupKey());
    expect(verification.ok).toBe(false);
    expect(verification.problems).toEqual([expect.objectContaining({ part: 'database', kind: 'digest' })]);
    const into = join(work, 'never');
    const databaseUrl = testDialect === 'postgres' ? await freshTarget() : undefined;
    try {
      const refused = restoreBackup({
        destination: copy,
        id: staged.id,
        publicKey: backupKey(),
        identity,
        into,
        databaseUrl,
      });
      await expect(refused).rejects.toMatchObject({ name: 'BackupInvalidError', problem: 'digest', part: 'database' });
      expect(existsSync(join(into, 'bastion.db'))).toBe(false);
      expect(existsSync(join(into, 'keys'))).toBe(false);
      if (databaseUrl !== undefined) expect(await tableCount(databaseUrl)).toBe(0);
    } finally {
      await dropDatabase(databaseUrl);
    }
  });

  it('a manifest signed by another key is refused with a signature problem', async () => {
    const other = join(work, 'other-key');
    KeyStore.of(other).create('other.key');
    const copy = new TestDirDestination('copy', join(work, 'resigned'));
    cpSync(destination.root, copy.root, { recursive: true });
    await copy.put(signatureKey(staged.id), KeyStore.of(other).load('other.key').sign(staged.manifestBytes));
    await expect(readManifest(copy, staged.id, backupKey())).rejects.toMatchObject({ problem: 'signature' });
  });

  it('a manifest whose table count was edited is refused with a signature problem', async () => {
    const copy = new TestDirDestination('copy', join(work, 'edited'));
    cpSync(destination.root, copy.root, { recursive: true });
    const edited = { ...manifest, tables: { ...manifest.tables, audit_records: manifest.tables.audit_records! + 1 } };
    await copy.put(manifestKey(staged.id), Buffer.from(canonicalJson(edited), 'utf8'));
    const error = await readManifest(copy, staged.id, backupKey()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackupInvalidError);
    expect(error).toMatchObject({ problem: 'signature' });
  });

  it('a validly signed manifest that is not of the bastion-backup/1 shape is refused with a manifest problem', async () => {
    const copy = new TestDirDestination('copy', join(work, 'misshapen'));
    cpSync(destination.root, copy.root, { recursive: true });
    const bytes = Buffer.from(canonicalJson({ ...manifest, parts: [] }), 'utf8');
    await copy.put(manifestKey(staged.id), bytes);
    await copy.put(signatureKey(staged.id), backupSigner(t.dataDir).sign(bytes));
    await expect(readManifest(copy, staged.id, backupKey())).rejects.toMatchObject({ problem: 'manifest' });
  });

  it('a restore into a directory that holds keys/ is refused without force and leaves it unchanged', async () => {
    const into = join(work, 'occupied');
    KeyStore.of(into).create('some.key');
    writeFileSync(join(into, 'bastion.db'), 'not touched');
    const databaseUrl = testDialect === 'postgres' ? await freshTarget() : undefined;
    try {
      const refused = restoreBackup({
        destination,
        id: staged.id,
        publicKey: backupKey(),
        identity,
        into,
        databaseUrl,
      });
      await expect(refused).rejects.toBeInstanceOf(RestoreRefusedError);
      expect(readdirSync(into).sort()).toEqual(['bastion.db', 'keys']);
      expect(readdirSync(join(into, 'keys'))).toEqual(['some.key']);
      expect(readFileSync(join(into, 'bastion.db'), 'utf8')).toBe('not touched');
    } finally {
      await dropDatabase(databaseUrl);
    }
  });

  it('a restore into the data directory of a running Bastion is refused even with force', async () => {
    const refused = restoreBackup({
      destination,
      id: staged.id,
      publicKey: backupKey(),
      identity,
      into: t.dataDir,
      force: true,
    });
    await expect(refused).rejects.toThrow(/in use by a running Bastion/);
  });

  it('files.age holds keys/, but no staged or stored object holds the bytes of a private key in clear', async () => {
    const secrets = privateKeyForms(join(t.dataDir, 'keys'));
    expect(secrets.length).toBeGreaterThan(3);
    const objects = [
      ...staged.files.map((f) => readFileSync(f.path)),
      ...(await destination.list('backups/')).map((o) => readFileSync(join(destination.root, o.key))),
    ];
    for (const object of objects) for (const secret of secrets) expect(object.includes(secret)).toBe(false);
    const files = JSON.parse(
      zstdDecompressSync(
        execFileSync('age', ['-d', '-i', identityFile, join(destination.root, manifest.parts[1]!.key)]),
      ).toString('utf8'),
    ) as { files: Record<string, string> };
    expect(Object.keys(files.files)).toEqual(expect.arrayContaining(['keys/audit-signing.key', 'config.json']));
  });

  it('listBackups names the backup with a manifest as complete and one without as incomplete', async () => {
    const copy = new TestDirDestination('copy', join(work, 'listing'));
    cpSync(destination.root, copy.root, { recursive: true });
    const partial = '20260101T000000Z-0000abcd';
    await copy.put(`backups/${partial}/database.age`, Buffer.from('x'));
    expect(await listBackups(copy)).toEqual({ complete: [staged.id], incomplete: [partial] });
  });
});

/** Each private key file in clear: its whole text, each base64 line of a PEM body, and its DER bytes. */
function privateKeyForms(dir: string): Buffer[] {
  const forms: Buffer[] = [];
  for (const name of readdirSync(dir).filter((n) => !n.includes('.pub'))) {
    const text = readFileSync(join(dir, name));
    forms.push(text);
    for (const line of text.toString('utf8').split('\n'))
      if (/^[A-Za-z0-9+/=]{16,}$/.test(line)) forms.push(Buffer.from(line));
    if (text.includes('PRIVATE KEY')) forms.push(createPrivateKey(text).export({ type: 'pkcs8', format: 'der' }));
  }
  return forms;
}

async function tableCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      "select count(*) as n from information_schema.tables where table_schema = 'public'",
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** A new, empty PostgreSQL database `bastion_t_<random>` on the test server, dropped by the test. */
async function freshTarget(): Promise<string> {
  const base = new URL(process.env.BASTION_TEST_DATABASE_URL!);
  base.pathname = `/bastion_t_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: process.env.BASTION_TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database "${base.pathname.slice(1)}"`);
  await admin.end();
  return base.toString();
}
