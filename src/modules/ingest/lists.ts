import { sql, type SqlBool } from 'kysely';
import { afterKey, keyOfCursor, keyOfRow, type KeysetOrder } from '../../kernel/keyset.js';
import { pageFrom } from '../../kernel/pagination.js';
import { withinScopes, type ReadScopes } from '../../kernel/scopes.js';
import type { ReadDb } from '../../kernel/store.js';
import type { Database } from './db.js';
import { toDeviceView } from './store.js';

export interface Page {
  limit: number;
  cursor?: string;
}

const DEVICE_ORDER: KeysetOrder = { sort: 'name', id: 'id', direction: 'asc', sortType: 'string' };
const EVENT_ORDER: KeysetOrder = { sort: 'e.at', id: 'e.id', direction: 'desc', sortType: 'number' };

const at = (place: string): ReadScopes => ({ everywhere: false, paths: [place] });

/** Exact, case-sensitive prefix (LIKE would ignore case on SQLite and treat `_` as a wildcard). */
const startsWith = (column: string, prefix: string) =>
  sql<SqlBool>`substr(${sql.ref(column)}, 1, ${prefix.length}) = ${prefix}`;

/** Devices by name (id breaks ties), bound to places inside the reader's scopes. */
export async function pageDevices(
  db: ReadDb<Database>,
  filter: { state?: string; equipment?: string; namePrefix?: string },
  scopes: ReadScopes,
  page: Page,
) {
  let query = db
    .selectFrom('ingest_devices')
    .selectAll()
    .where((eb) => withinScopes(eb, 'node_path', scopes));
  const { state, equipment, namePrefix } = filter;
  if (state !== undefined) query = query.where('state', '=', state as 'active' | 'quarantined');
  if (equipment !== undefined) query = query.where((eb) => withinScopes(eb, 'node_path', at(equipment)));
  if (namePrefix !== undefined) query = query.where(startsWith('name', namePrefix));
  if (page.cursor !== undefined) query = query.where(afterKey(DEVICE_ORDER, keyOfCursor(page.cursor, DEVICE_ORDER)));
  const rows = await query
    .orderBy('name')
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
  return pageFrom(rows, page.limit, (r) => keyOfRow(DEVICE_ORDER, r.name, r.id), toDeviceView);
}

/**
 * Security events, newest first (id breaks ties). An event is at its device's equipment; one without a known
 * device (an unknown client, bad credentials for no device) is at no place, so only a reader whose grants
 * cover everywhere sees it.
 */
export async function pageSecurityEvents(
  db: ReadDb<Database>,
  filter: { kind?: string; device?: string; from?: number; to?: number },
  scopes: ReadScopes,
  page: Page,
) {
  let query = db
    .selectFrom('ingest_security_events as e')
    .leftJoin('ingest_devices as d', 'd.id', 'e.device_id')
    .selectAll('e')
    .where((eb) => withinScopes(eb, 'd.node_path', scopes));
  const { kind, device, from, to } = filter;
  if (kind !== undefined) query = query.where('e.kind', '=', kind);
  if (device !== undefined) query = query.where('d.name', '=', device);
  if (from !== undefined) query = query.where('e.at', '>=', from);
  if (to !== undefined) query = query.where('e.at', '<', to);
  if (page.cursor !== undefined) query = query.where(afterKey(EVENT_ORDER, keyOfCursor(page.cursor, EVENT_ORDER)));
  const rows = await query
    .orderBy('e.at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return pageFrom(
    rows,
    page.limit,
    (r) => keyOfRow(EVENT_ORDER, r.at, r.id),
    (r) => ({
      id: r.id,
      at: new Date(Number(r.at)).toISOString(),
      kind: r.kind,
      deviceId: r.device_id,
      username: r.username,
      address: r.address,
      detail: r.detail,
      count: Number(r.count),
    }),
  );
}
