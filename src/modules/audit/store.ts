import { sql, type Kysely } from 'kysely';
import type { Database } from '../../storage/tables.js';
import type { Storage } from '../../storage/storage.js';
import type { SignedCheckpoint } from './checkpoint.js';
import type { NodeRef } from './merkle.js';

type Reader = Kysely<Database>;

/** Arbitrary, fixed key of the PostgreSQL advisory lock that serialises appends across processes. */
const APPEND_LOCK_KEY = 0x6261_7374; // "bast"

/** Serialises appenders across processes until the transaction ends. SQLite already has one writer. */
export async function lockForAppend(tx: Kysely<Database>, storage: Storage): Promise<void> {
  if (storage.capabilities.multipleWriters) await sql`select pg_advisory_xact_lock(${APPEND_LOCK_KEY})`.execute(tx);
}

export async function readHead(db: Reader): Promise<{ seq: number; hash: Buffer } | undefined> {
  return db.selectFrom('audit_records').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

/** Hashes of the given perfect subtrees, in the order asked. Leaves come from the records themselves. */
export async function fetchNodes(db: Reader, refs: NodeRef[]): Promise<Buffer[]> {
  const leaves = refs.filter((r) => r.level === 0).map((r) => r.index + 1);
  const inner = refs.filter((r) => r.level > 0);
  const found = new Map<string, Buffer>();
  if (leaves.length > 0) {
    const rows = await db.selectFrom('audit_records').select(['seq', 'hash']).where('seq', 'in', leaves).execute();
    for (const row of rows) found.set(`0:${row.seq - 1}`, row.hash);
  }
  if (inner.length > 0) {
    const rows = await db
      .selectFrom('audit_merkle_nodes')
      .select(['level', 'idx', 'hash'])
      .where((eb) => eb.or(inner.map((r) => eb.and([eb('level', '=', r.level), eb('idx', '=', r.index)]))))
      .execute();
    for (const row of rows) found.set(`${row.level}:${row.idx}`, row.hash);
  }
  return refs.map((ref) => {
    const hash = found.get(`${ref.level}:${ref.index}`);
    if (!hash) throw new Error(`audit Merkle node ${ref.level}:${ref.index} is missing`);
    return hash;
  });
}

export async function insertRecord(tx: Kysely<Database>, seq: number, body: string, hash: Buffer) {
  await tx.insertInto('audit_records').values({ seq, body, hash }).execute();
}

export async function insertNodes(tx: Kysely<Database>, nodes: (NodeRef & { hash: Buffer })[]) {
  if (nodes.length === 0) return;
  await tx
    .insertInto('audit_merkle_nodes')
    .values(nodes.map((n) => ({ level: n.level, idx: n.index, hash: n.hash })))
    .execute();
}

export async function insertCheckpoint(tx: Kysely<Database>, checkpoint: SignedCheckpoint, at: number) {
  await tx
    .insertInto('audit_checkpoints')
    .values({ tree_size: checkpoint.treeSize, body: checkpoint.body, signature: checkpoint.signature, created_at: at })
    .execute();
}

export async function latestCheckpoint(db: Reader): Promise<SignedCheckpoint | undefined> {
  const row = await db
    .selectFrom('audit_checkpoints')
    .select(['tree_size', 'body', 'signature'])
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { treeSize: row.tree_size, body: row.body, signature: row.signature };
}

export async function allCheckpoints(db: Reader): Promise<SignedCheckpoint[]> {
  const rows = await db
    .selectFrom('audit_checkpoints')
    .select(['tree_size', 'body', 'signature'])
    .orderBy('tree_size')
    .execute();
  return rows.map((row) => ({ treeSize: row.tree_size, body: row.body, signature: row.signature }));
}
