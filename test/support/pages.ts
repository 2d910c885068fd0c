import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Session } from './http.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** One page of a list route, which must answer 200. */
export async function pageOf<T>(app: FastifyInstance, url: string, session: Session): Promise<Page<T>> {
  const response = await app.inject({ url, headers: session.headers });
  expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
  return response.json<Page<T>>();
}

/**
 * Follows a list's cursors to the end, `limit` rows a page, running `between` after each page (to add rows
 * while the reader is paging). Gives up after 200 pages: a cursor that never ends is a failure, not a hang.
 */
export async function pageThrough<T>(
  app: FastifyInstance,
  url: string,
  session: Session,
  limit: number,
  between: (page: number) => Promise<void> = () => Promise.resolve(),
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let page = 1; page <= 200; page++) {
    const separator = url.includes('?') ? '&' : '?';
    const next: string = cursor === null ? '' : `&cursor=${cursor}`;
    const body: Page<T> = await pageOf<T>(app, `${url}${separator}limit=${limit}${next}`, session);
    expect(body.items.length).toBeLessThanOrEqual(limit);
    items.push(...body.items);
    if (body.nextCursor === null) return { items, pages: page };
    cursor = body.nextCursor;
    await between(page);
  }
  throw new Error(`${url}: still a next page after 200 pages`);
}

/** Cursors a client could forge: not base64 JSON, the wrong number of keys, the wrong types of key. */
export function forgedCursors(valid: string): string[] {
  const forge = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
  const keys = JSON.parse(Buffer.from(valid, 'base64url').toString('utf8')) as unknown[];
  return [
    'bm90LWpzb24',
    forge(keys.slice(0, 1)),
    forge([...keys, 'extra']),
    forge(keys.map((k) => (typeof k === 'number' ? 'not a number' : 12345))),
    forge([{ sql: '1=1' }, 'x']),
    ...(keys.some((k) => typeof k === 'number') ? [forge(keys.map((k) => (typeof k === 'number' ? 1e300 : k)))] : []),
  ];
}

/** True when `items` are in the order `compare` defines (ties allowed only where compare says 0). */
export function inOrder<T>(items: T[], compare: (a: T, b: T) => number): boolean {
  return items.every((item, i) => i === 0 || compare(items[i - 1]!, item) < 0);
}
