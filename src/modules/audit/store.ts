import { sql, type Kysely } from 'kysely';
import type { Dialect, ReadDb, UnitOfWork } from '../../kernel/store.js';
import type { Database } from './db.js';
import { preparedQuery } from '../../storage/prepared.js';
import type { SignedCheckpoint } from './checkpoint.js';
import { APPEND_LOCK_KEY } from './append-function.js';
import { perfectRoot, type NodeRef } from './merkle.js';

type Reader = ReadDb<Database>;

/** Serialises appenders across processes until the transaction ends. SQLite already has one writer. */
export async function lockForAppend(tx: Kysely<Database>, dialect: Dialect): Promise<void> {
  if (dialect.capabilities.multipleWriters) await sql`select pg_advisory_xact_lock(${APPEND_LOCK_KEY})`.execute(tx);
}

export async function readHead(db: Reader): Promise<{ seq: number; hash: Buffer } | undefined> {
  return db.selectFrom('audit_records').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

/**
 * Interior nodes below this level are not stored: each is at most 8 leaves away, so a proof recomputes
 * it from the leaves. That saves an INSERT on most appends (one in 16 instead of one in 2).
 */
export const LOWEST_STORED_LEVEL = 4;

/**
 * A subtree as one integer: level * 2^40 + index. Levels stay below 64 and indexes below 2^40 (a trillion
 * leaves), so the key is exact in a double and makes the lookup a plain primary-key IN list.
 */
export function nodeKey(ref: NodeRef): number {
  return ref.level * 2 ** 40 + ref.index;
}

function leafSeqsUnder(ref: NodeRef): number[] {
  const width = 2 ** ref.level;
  return Array.from({ length: width }, (_, i) => ref.index * width + i + 1);
}

/**
 * Hashes of the given perfect subtrees, in the order asked, in one query: stored ones read, low ones
 * rebuilt from their leaves. Leaves answer under their negative sequence number, nodes under their key.
 */
export async function fetchNodes(db: Reader, refs: NodeRef[]): Promise<Buffer[]> {
  const seqs = [...new Set(refs.filter((r) => r.level < LOWEST_STORED_LEVEL).flatMap(leafSeqsUnder))];
  const keys = refs.filter((r) => r.level >= LOWEST_STORED_LEVEL).map(nodeKey);
  const found = new Map<number, Buffer>();
  if (seqs.length + keys.length > 0) {
    const leaves = db
      .selectFrom('audit_records')
      .select([(eb) => eb.neg('seq').as('k'), 'hash'])
      .where('seq', 'in', seqs.length > 0 ? seqs : [0]);
    const nodes = db
      .selectFrom('audit_merkle_nodes')
      .select(['node as k', 'hash'])
      .where('node', 'in', keys.length > 0 ? keys : [-1]);
    for (const row of await leaves.unionAll(nodes).execute()) found.set(Number(row.k), row.hash);
  }
  return refs.map((ref) => {
    const hash =
      ref.level === 0 || ref.level >= LOWEST_STORED_LEVEL
        ? found.get(ref.level === 0 ? -(ref.index + 1) : nodeKey(ref))
        : rebuild(ref, found);
    if (!hash) throw new Error(`audit Merkle node ${ref.level}:${ref.index} is missing`);
    return hash;
  });
}

function rebuild(ref: NodeRef, found: Map<number, Buffer>): Buffer | undefined {
  const leaves = leafSeqsUnder(ref).map((seq) => found.get(-seq));
  return leaves.every((h): h is Buffer => h !== undefined) ? perfectRoot(leaves) : undefined;
}

/** INSERT of one record, built once per database: this is the statement every command pays for. */
const insertRecordQuery = preparedQuery(
  (db, seq, body, hash) =>
    db.insertInto('audit_records').values({ seq: seq as unknown as number, body, hash: hash as unknown as Buffer }),
  3,
);

async function insertRecord(uow: UnitOfWork, seq: number, body: string, hash: Buffer): Promise<void> {
  await insertRecordQuery(uow.tx, seq, body, hash);
}

const isDuplicateKey = (error: unknown) => (error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY';

/**
 * Appends `record` if `previous` is still the head of the log, in one round trip; false if another writer
 * got there first (the caller then reads the head and tries once more, by then holding the append lock).
 * SQLite: the transaction already holds the write lock; a taken sequence number fails this INSERT alone.
 * PostgreSQL: bastion_audit_append() takes the advisory lock, checks the head and inserts, server-side.
 */
export async function appendIfHead(
  uow: UnitOfWork,
  previous: { seq: number; hash: Buffer },
  record: { seq: number; body: string; hash: Buffer },
): Promise<boolean> {
  if (uow.storage.capabilities.multipleWriters) {
    const { rows } = await sql<{
      ok: boolean;
    }>`select bastion_audit_append(${previous.seq}, ${previous.hash}, ${record.body}, ${record.hash}) as ok`.execute(
      uow.tx,
    );
    return rows[0]!.ok;
  }
  try {
    await insertRecord(uow, record.seq, record.body, record.hash);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/** Stores the interior nodes an append completed, those at LOWEST_STORED_LEVEL and above. */
export async function insertNodes(tx: Kysely<Database>, nodes: (NodeRef & { hash: Buffer })[]) {
  const kept = nodes.filter((n) => n.level >= LOWEST_STORED_LEVEL);
  if (kept.length === 0) return;
  await tx
    .insertInto('audit_merkle_nodes')
    .values(kept.map((n) => ({ node: nodeKey(n), hash: n.hash })))
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
