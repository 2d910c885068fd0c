import type { DataCatalog } from '../../kernel/privacy/catalog.js';
import type { ReadDb } from '../../kernel/store.js';
import { countSealedUnder, sealedColumns } from './columns.js';
import type { CryptoTables } from './schema.js';

/** A shared data key as listed: never its material. */
export interface KeyListing {
  id: string;
  purpose: string;
  version: number;
  state: string;
  kekId: string;
  createdAt: number;
  retiredAt: number | null;
  /** Stored values sealed under it (over the columns of its purpose). */
  rows: number;
}

export interface KeyList {
  keys: KeyListing[];
  /** Personal keys per purpose, counted (a list of them would name data subjects). */
  subjectKeys: { purpose: string; state: string; count: number }[];
}

export async function listKeys(db: ReadDb<CryptoTables>, catalog: DataCatalog): Promise<KeyList> {
  const shared = await db
    .selectFrom('crypto_keys')
    .selectAll()
    .where('subject', '=', '')
    .orderBy('purpose')
    .orderBy('version')
    .execute();
  const columns = sealedColumns(catalog);
  const keys: KeyListing[] = [];
  for (const key of shared) {
    let rows = 0;
    for (const column of columns.filter((c) => c.purpose === key.purpose))
      rows += await countSealedUnder(db, column, [key.id]);
    const { id, purpose, version, state } = key;
    const retiredAt = key.retired_at === null ? null : Number(key.retired_at);
    keys.push({ id, purpose, version, state, kekId: key.kek_id, createdAt: Number(key.created_at), retiredAt, rows });
  }
  const subjects = await db
    .selectFrom('crypto_keys')
    .select(['purpose', 'state', (eb) => eb.fn.countAll<number>().as('count')])
    .where('subject', '!=', '')
    .groupBy(['purpose', 'state'])
    .orderBy('purpose')
    .execute();
  return { keys, subjectKeys: subjects.map((s) => ({ ...s, count: Number(s.count) })) };
}
