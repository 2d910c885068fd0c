import { sql, type Kysely } from 'kysely';
import type { Dialect, ReadDb, UnitOfWork } from '../../kernel/store.js';
import type { AuditReader, Database } from './db.js';
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

/** What the given perfect subtrees need from storage: leaf records by sequence number, stored nodes by key. */
function wantedFor(refs: NodeRef[]): { seqs: number[]; keys: number[] } {
  const seqs = [...new Set(refs.filter((r) => r.level < LOWEST_STORED_LEVEL).flatMap(leafSeqsUnder))];
  const keys = refs.filter((r) => r.level >= LOWEST_STORED_LEVEL).map(nodeKey);
  return { seqs, keys };
}

function rebuild(ref: NodeRef, found: Map<number, Buffer>): Buffer | undefined {
  const leaves = leafSeqsUnder(ref).map((seq) => found.get(-seq));
  return leaves.every((h): h is Buffer => h !== undefined) ? perfectRoot(leaves) : undefined;
}

/** The subtrees' hashes, in the order asked, from the rows found (leaves under -seq, nodes under their key). */
function hashesFor(refs: NodeRef[], found: Map<number, Buffer>): Buffer[] {
  return refs.map((ref) => {
    const hash =
      ref.level === 0 || ref.level >= LOWEST_STORED_LEVEL
        ? found.get(ref.level === 0 ? -(ref.index + 1) : nodeKey(ref))
        : rebuild(ref, found);
    if (!hash) throw new Error(`audit Merkle node ${ref.level}:${ref.index} is missing`);
    return hash;
  });
}

/**
 * Hashes of the given perfect subtrees, in the order asked, in one query: stored ones read, low ones
 * rebuilt from their leaves. Leaves answer under their negative sequence number, nodes under their key.
 */
export async function fetchNodes(db: Reader, refs: NodeRef[]): Promise<Buffer[]> {
  const { seqs, keys } = wantedFor(refs);
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
  return hashesFor(refs, found);
}

/** The latest signed checkpoint, the log's size, and the hashes read for the subtrees asked for. */
export interface TreeView {
  latest: SignedCheckpoint | undefined;
  size: number;
  /** Hashes of the subtrees asked for (or of some of them), in the order given; throws if one is missing. */
  hashes(refs: NodeRef[]): Buffer[];
}

/**
 * `IN` a list of integers passed as one bound parameter and expanded server-side, so the SQL text is the same
 * for every proof (PostgreSQL: a bigint array; SQLite: a JSON array through json_each).
 */
function inIntegers(dialect: Dialect, values: number[]) {
  return dialect.capabilities.multipleWriters
    ? sql`= any(${values.map(String)}::bigint[])`
    : sql`in (select value from json_each(${JSON.stringify(values)}))`;
}

/**
 * The latest checkpoint, the head's sequence number and the hashes of `refs`, in one query and so in one round
 * trip to PostgreSQL: a proof read in separate queries paid a round trip each. Every value is a bound parameter.
 */
export async function readTreeView(reader: AuditReader, refs: NodeRef[]): Promise<TreeView> {
  const { seqs, keys } = wantedFor(refs);
  const { rows } = await sql<{ kind: number; k: number | string; body: string | null; hash: Buffer | null }>`
    select 0 as kind, tree_size as k, body, signature as hash
      from (select tree_size, body, signature from audit_checkpoints order by tree_size desc limit 1) latest
    union all
    select 1, seq, null, null from (select seq from audit_records order by seq desc limit 1) head
    union all
    select 2, -seq, null, hash from audit_records where seq ${inIntegers(reader, seqs)}
    union all
    select 3, node, null, hash from audit_merkle_nodes where node ${inIntegers(reader, keys)}`.execute(reader.db);
  let latest: SignedCheckpoint | undefined;
  let size = 0;
  const found = new Map<number, Buffer>();
  for (const row of rows) {
    const kind = Number(row.kind);
    if (kind === 0) latest = { treeSize: Number(row.k), body: row.body!, signature: row.hash! };
    else if (kind === 1) size = Number(row.k);
    else found.set(Number(row.k), row.hash!);
  }
  return { latest, size, hashes: (asked) => hashesFor(asked, found) };
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

const insertNodeQuery = preparedQuery(
  (db, node, hash) =>
    db.insertInto('audit_merkle_nodes').values({ node: node as unknown as number, hash: hash as unknown as Buffer }),
  2,
);

/**
 * Stores the interior nodes an append completed, those at LOWEST_STORED_LEVEL and above, in one statement: one
 * append in 16 stores any, and half of those exactly one, which takes a prepared INSERT instead of one built anew.
 */
export async function insertNodes(tx: Kysely<Database>, nodes: (NodeRef & { hash: Buffer })[]) {
  const kept = nodes.filter((n) => n.level >= LOWEST_STORED_LEVEL);
  if (kept.length === 1) await insertNodeQuery(tx, nodeKey(kept[0]!), kept[0]!.hash);
  else if (kept.length > 1)
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
