import { Type } from '@sinclair/typebox';
import { NotFoundError, ValidationError } from '../../kernel/errors.js';
import { decodeCursor, encodeCursor } from '../../kernel/pagination.js';
import { withinScopes, type ReadScopes } from '../../kernel/scopes.js';
import type { ReadDb } from '../../kernel/store.js';
import type { Database } from './db.js';

/** One stored value of a device's metric: when it was measured and what it was (a number or a text). */
export const valueView = Type.Object(
  {
    at: Type.String({ description: 'the value\u2019s timestamp (ISO 8601, milliseconds)' }),
    value: Type.Union([Type.Number(), Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

export interface ValueWindow {
  metric: string;
  /** At or after, epoch ms. */
  from?: number;
  /** Before, epoch ms. */
  to?: number;
}

interface Point {
  ts: number | string;
  batch: number | string;
  value_num: number | null;
  value_text: string | null;
}

const keyOf = (p: Point) => [Number(p.ts), Number(p.batch)] as const;
const sameKey = (a: Point, b: Point) => Number(a.ts) === Number(b.ts) && Number(a.batch) === Number(b.batch);

/**
 * The values a device sent for one metric over a time window, oldest first, a page at a time. A page ends on
 * a whole (time, batch) key: points sharing one (the same metric twice in one message, same time) are never
 * split across pages, so the keyset cursor skips none of them. The device must be inside the reader's
 * grants; one outside them is not found, like one that does not exist.
 */
export async function pageValues(
  db: ReadDb<Database>,
  deviceName: string,
  window: ValueWindow,
  scopes: ReadScopes,
  page: { limit: number; cursor?: string },
) {
  const device = await db
    .selectFrom('ingest_devices')
    .select('id')
    .where('name', '=', deviceName)
    .where((eb) => withinScopes(eb, 'node_path', scopes))
    .executeTakeFirst();
  if (!device) throw new NotFoundError(`No device named ${deviceName}.`);
  const series = await db
    .selectFrom('ingest_series')
    .select('id')
    .where('device_id', '=', device.id)
    .where('metric', '=', window.metric)
    .executeTakeFirst();
  if (!series) return { items: [], nextCursor: null };
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, 2).map(Number);
  if (after?.some((n) => !Number.isSafeInteger(n)) === true)
    throw new ValidationError('The cursor is not one this list gave out.', [
      { path: '/cursor', message: 'unknown cursor' },
    ]);
  const query = (limit: number | undefined, only?: Point) => {
    let q = db
      .selectFrom('ingest_points')
      .select(['ts', 'batch', 'value_num', 'value_text'])
      .where('series', '=', Number(series.id));
    if (window.from !== undefined) q = q.where('ts', '>=', window.from);
    if (window.to !== undefined) q = q.where('ts', '<', window.to);
    if (after !== undefined)
      q = q.where((eb) =>
        eb.or([eb('ts', '>', after[0]!), eb.and([eb('ts', '=', after[0]!), eb('batch', '>', after[1]!)])]),
      );
    if (only !== undefined) q = q.where('ts', '=', Number(only.ts)).where('batch', '=', Number(only.batch));
    q = q.orderBy('ts').orderBy('batch');
    return (limit === undefined ? q : q.limit(limit)).execute() as Promise<Point[]>;
  };
  let rows = await query(page.limit + 1);
  let more = rows.length > page.limit;
  if (more) {
    const next = rows[page.limit]!;
    rows = rows.slice(0, page.limit);
    while (rows.length > 0 && sameKey(rows.at(-1)!, next)) rows.pop();
    // One key holding more points than a page: that key's points are the page, all of them.
    if (rows.length === 0) rows = await query(undefined, next);
    more = true;
  }
  const last = rows.at(-1);
  return {
    items: rows.map((p) => ({
      at: new Date(Number(p.ts)).toISOString(),
      value: p.value_num !== null ? Number(p.value_num) : p.value_text,
    })),
    nextCursor: more && last !== undefined ? encodeCursor([...keyOf(last)]) : null,
  };
}
