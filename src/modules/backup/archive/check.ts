import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { pgClientConfig } from '../../../storage/postgres-tls.js';
import { verifyLog, type LogVerification, type Witness } from '../../audit/index.js';
import type { AnyTables, Dialect } from '../../../kernel/store.js';
import type { BackupManifest } from './format.js';
import { POSTGRES } from './postgres-tools.js';
import { manifestWitness, restoredWitnesses } from './restored-witness.js';
import { openReadOnly, SQLITE } from './snapshot-sqlite.js';
import { auditHeadOf, countRows, tableNames } from './state.js';

export interface RestoreCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface RestoreCheckReport {
  ok: boolean;
  checks: RestoreCheck[];
  audit: LogVerification;
}

export interface CheckOptions {
  into: string;
  databaseUrl?: string;
  manifest: BackupManifest;
  /** The audit log's public key (keys/audit-signing.pub of the instance backed up). */
  publicKey: KeyObject;
  extraWitnesses?: Witness[];
}

type Reader = Dialect & { db: Kysely<AnyTables> };

/** Read-only handles only: checking a restore writes nothing, to the database or anywhere else. */
function openRestored({ into, databaseUrl, manifest }: CheckOptions): Reader & { close(): Promise<void> } {
  if (manifest.dialect === 'sqlite') {
    const { db } = openReadOnly(join(into, 'bastion.db'));
    return { db, ...SQLITE, close: () => db.destroy() };
  }
  if (databaseUrl === undefined) throw new Error('checking a PostgreSQL restore needs its database URL');
  const pool = new pg.Pool({ ...pgClientConfig(databaseUrl), max: 1 });
  pool.on('connect', (client) => void client.query('set default_transaction_read_only = on'));
  const db = new Kysely<AnyTables>({ dialect: new PostgresDialect({ pool }) });
  return { db, ...POSTGRES, close: () => db.destroy() };
}

async function integrity(reader: Reader, manifest: BackupManifest): Promise<RestoreCheck> {
  if (reader.dialect === 'sqlite') {
    const { rows } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(reader.db);
    const result = rows.map((r) => r.integrity_check).join('; ');
    return { name: 'integrity', ok: result === 'ok', detail: `integrity_check: ${result}` };
  }
  const present = new Set(await tableNames(reader));
  const absent = Object.keys(manifest.tables).filter((t) => !present.has(t));
  return {
    name: 'integrity',
    ok: absent.length === 0,
    detail: absent.length > 0 ? `missing tables: ${absent.join(', ')}` : 'every table present',
  };
}

async function rowCounts(reader: Reader, manifest: BackupManifest): Promise<RestoreCheck> {
  const present = new Set(await tableNames(reader));
  const wrong: string[] = [];
  for (const [table, expected] of Object.entries(manifest.tables)) {
    const found = present.has(table) ? await countRows(reader, table) : -1;
    if (found !== expected) wrong.push(`${table}: ${found < 0 ? 'absent' : found} (manifest ${expected})`);
  }
  const detail = wrong.length > 0 ? wrong.join('; ') : `${Object.keys(manifest.tables).length} tables match`;
  return { name: 'row-counts', ok: wrong.length === 0, detail };
}

async function treeHead(reader: Reader, manifest: BackupManifest): Promise<RestoreCheck> {
  const head = await auditHeadOf(reader);
  const ok = head.treeSize === manifest.audit.treeSize && head.rootHash === manifest.audit.rootHash;
  const detail = `restored log: ${head.treeSize} records, root ${head.rootHash.slice(0, 16)}…; manifest: ${manifest.audit.treeSize}, ${manifest.audit.rootHash.slice(0, 16)}…`;
  return { name: 'audit-tree-head', ok, detail };
}

/**
 * What the audit check says: on success, what it was checked against (the newest off-host checkpoint); on a
 * truncation, how many records the witnesses saw that this backup lacks, i.e. what the restore loses.
 */
function auditDetail(audit: LogVerification, extra: Witness[]): string {
  const offHost = audit.witnesses.filter((w) => extra.some((e) => e.name === w.witness) && w.reachable);
  const against = offHost.map((w) => `${w.witness} at ${w.newest ?? 'none'}`).join(', ');
  if (audit.ok)
    return `${audit.recordsChecked} records, ${audit.checkpointsChecked} checkpoints verified${against !== '' ? `; off-host: ${against}` : ''}`;
  const problems = audit.problems.map((p) => p.message).join('; ');
  const beyond = audit.problems.some((p) => p.kind === 'truncated')
    ? (audit.latestCheckpoint ?? 0) - audit.recordsChecked
    : 0;
  return beyond > 0 ? `truncated: ${problems} (${beyond} records written after this backup are not in it)` : problems;
}

/** Checks a restored database against its manifest: integrity, counts, audit chain, checkpoints and witnesses. */
export async function checkRestored(options: CheckOptions): Promise<RestoreCheckReport> {
  const reader = openRestored(options);
  try {
    const { manifest } = options;
    const checks = [
      await integrity(reader, manifest),
      await rowCounts(reader, manifest),
      await treeHead(reader, manifest),
    ];
    const witnesses = [
      ...restoredWitnesses(options.into),
      ...manifestWitness(manifest),
      ...(options.extraWitnesses ?? []),
    ];
    const audit = await verifyLog({ storage: reader, publicKey: options.publicKey, witnesses });
    checks.push({ name: 'audit-log', ok: audit.ok, detail: auditDetail(audit, options.extraWitnesses ?? []) });
    return { ok: checks.every((c) => c.ok), checks, audit };
  } finally {
    await reader.close();
  }
}
