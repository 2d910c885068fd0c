import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../src/http/app.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, type Session } from './support/http.js';
import { LINE_1, LINE_2, seedLineRecords } from './support/line-records.js';
import { seedPlant } from './support/plant.js';

interface Page<T = Record<string, unknown>> {
  items: T[];
  nextCursor: string | null;
}

// Issue 12 item 5: paged, filtered, stably sorted lists of orders, lots, serials, inspections and NCRs.
describe(`lists of orders, lots, serials and quality records (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;

  const get = (url: string) => app.inject({ url, headers: admin.headers });
  const page = async <T = Record<string, unknown>>(url: string) => {
    const response = await get(url);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Page<T>>();
  };
  const numbers = async (url: string, key = 'number') => (await page(url)).items.map((item) => item[key] as string);
  const post = async (url: string, payload: object) => {
    const response = await app.inject({ method: 'POST', url, headers: admin.headers, payload });
    expect(response.statusCode, response.body).toBe(200);
  };
  const order = (number: string, due?: string) =>
    post('/api/orders', { number, product: 'FRAME', quantity: 5, ...(due !== undefined ? { due } : {}) });

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    admin = await adminSession(app, t);
    await seedPlant(t.bastion);
    await seedLineRecords(app, admin);
    await order('WO-D3', '2027-03-01T06:00:00.000Z');
    await order('WO-D1', '2027-01-01T06:00:00.000Z');
    await order('WO-D2', '2027-02-01T06:00:00.000Z');
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('filters orders by state, line, product and due date range', async () => {
    expect(await numbers('/api/orders?state=dispatched')).toEqual(['WO-L1', 'WO-L2']);
    expect(await numbers(`/api/orders?line=${LINE_2}`)).toEqual(['WO-L2']);
    expect(await numbers(`/api/orders?line=${LINE_1}&state=created`)).toEqual([]);
    expect(await numbers('/api/orders?product=FRAME&state=created')).toEqual(['WO-D1', 'WO-D2', 'WO-D3', 'WO-PLAN']);
    expect(await numbers('/api/orders?product=STEEL')).toEqual([]);
    expect(await numbers('/api/orders?dueFrom=2027-01-01T06:00:00Z&dueBefore=2027-03-01T06:00:00Z')).toEqual([
      'WO-D1',
      'WO-D2',
    ]);
    const wo = (await page<{ number: string; due: string | null; product: string }>('/api/orders?limit=500')).items;
    expect(wo.find((o) => o.number === 'WO-D1')).toMatchObject({ due: '2027-01-01T06:00:00.000Z', product: 'FRAME' });
    expect(wo.find((o) => o.number === 'WO-PLAN')).toMatchObject({ due: null, line: null });
    expect((await get('/api/orders?state=paused')).statusCode).toBe(400);
    expect((await get('/api/orders?dueFrom=yesterday')).statusCode).toBe(400);
  });

  it('sorts orders by due date, soonest first and undated last, or by number', async () => {
    const byDue = await numbers('/api/orders?sort=due&limit=500');
    expect(byDue.slice(0, 3)).toEqual(['WO-D1', 'WO-D2', 'WO-D3']);
    expect(byDue.slice(3).sort()).toEqual(['WO-L1', 'WO-L2', 'WO-PLAN']);
    // Names chosen to sort alike in every collation the database may have (C, en_US, ...).
    expect(await numbers('/api/orders?limit=500')).toEqual(['WO-D1', 'WO-D2', 'WO-D3', 'WO-L1', 'WO-L2', 'WO-PLAN']);
  });

  it('paging through orders yields every row once, in order, while orders are added between pages', async () => {
    for (const sort of ['number', 'due']) {
      const before = await numbers(`/api/orders?sort=${sort}&limit=500`);
      const seen: string[] = [];
      let cursor: string | null = null;
      let added = 0;
      do {
        const query: string = cursor === null ? '' : `&cursor=${cursor}`;
        const current: Page<{ number: string }> = await page(`/api/orders?sort=${sort}&limit=2${query}`);
        seen.push(...current.items.map((o) => o.number));
        cursor = current.nextCursor;
        // One order that sorts before the pages read so far, one after: neither may disturb the walk.
        await order(`WO-A-${sort.toUpperCase()}-${added}`, '2026-01-01T00:00:00.000Z');
        await order(
          `WO-ZZ-${sort.toUpperCase()}-${added}`,
          new Date(Date.UTC(2028, 0, 1) + added * 60_000).toISOString(),
        );
        added++;
      } while (cursor !== null);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.some((n) => n.startsWith('WO-ZZ-'))).toBe(true); // rows added ahead of the walk are reached
      expect(seen.filter((n) => before.includes(n))).toEqual(before);
      const after = await numbers(`/api/orders?sort=${sort}&limit=500`);
      expect(seen).toEqual(after.filter((n) => seen.includes(n)));
    }
  });

  it('a tampered, forged or foreign cursor is a 400 problem, never a 500 or a wrong page', async () => {
    const first = await page('/api/orders?sort=due&limit=1');
    const [due, id] = JSON.parse(Buffer.from(first.nextCursor!, 'base64url').toString('utf8')) as [number, string];
    const forged = (values: unknown[]) => Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
    const byNumber = (await page('/api/orders?limit=1')).nextCursor!;
    const attempts = [
      `/api/orders?sort=due&cursor=${forged([String(due), id])}`, // the key turned into text
      `/api/orders?sort=due&cursor=${forged([due])}`, // a value taken away
      `/api/orders?sort=due&cursor=${forged({ due, id } as unknown as unknown[])}`,
      `/api/orders?sort=due&cursor=${byNumber}`, // a cursor of the same list under another sort
      '/api/orders?cursor=bm90LWpzb24', // not JSON
      '/api/orders?cursor=a%2Bb', // not base64url
      `/api/lots?cursor=${forged([1, 2])}`,
      `/api/quality/inspections?cursor=${forged(['2026-01-01', 'x'])}`,
      `/api/quality/ncrs?cursor=${forged([1, 2, 3])}`,
      `/api/serials?cursor=${forged([null, null])}`,
    ];
    for (const url of attempts) {
      const response = await get(url);
      expect([url, response.statusCode, response.headers['content-type']]).toEqual([
        url,
        400,
        expect.stringContaining('application/problem+json'),
      ]);
    }
    expect((await get('/api/orders?limit=501')).statusCode).toBe(400);
    expect((await get('/api/orders?limit=0')).statusCode).toBe(400);
  });

  it('filters lots by number prefix, matching the leading characters exactly', async () => {
    expect(await numbers('/api/lots?prefix=P-L')).toEqual(['P-L1', 'P-L2']);
    expect(await numbers('/api/lots?prefix=RAW-1')).toEqual(['RAW-1']);
    expect(await numbers('/api/lots?prefix=%25')).toEqual([]);
    expect(await numbers('/api/lots?prefix=p-l')).toEqual([]);
  });

  it('filters lots by material, state and supplier, and pages serials and lots in number order', async () => {
    expect(await numbers('/api/lots?material=STEEL')).toEqual(['RAW-1']);
    expect(await numbers('/api/lots?supplier=Mill')).toEqual(['RAW-1']);
    expect(await numbers('/api/lots?state=held')).toEqual(['P-L1', 'P-L2']); // each failed its inspection
    expect(await numbers('/api/lots?material=FRAME&state=available')).toEqual([]);
    const lot = (await page('/api/lots?material=FRAME&limit=1')).items[0];
    expect(lot).toMatchObject({ number: 'P-L1', order: 'WO-L1', line: LINE_1, supplier: null });
    const first = await page('/api/serials?limit=3');
    const rest = await page(`/api/serials?limit=3&cursor=${first.nextCursor}`);
    expect([...first.items, ...rest.items].map((s) => s.serial)).toEqual(['SN-L1-1', 'SN-L1-2', 'SN-L2-1', 'SN-L2-2']);
    expect(rest.nextCursor).toBeNull();
    expect(await numbers('/api/serials?lot=P-L2', 'serial')).toEqual(['SN-L2-1', 'SN-L2-2']);
  });

  it('pages inspections and NCRs newest first and filters them', async () => {
    const all = (await page<{ id: string; inspectedAt: string }>('/api/quality/inspections?limit=500')).items;
    expect(all).toHaveLength(4);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`;
      const current: Page<{ id: string }> = await page(`/api/quality/inspections?limit=1${query}`);
      walked.push(...current.items.map((i) => i.id));
      cursor = current.nextCursor;
    } while (cursor !== null);
    expect(walked).toEqual(all.map((i) => i.id));
    const times = all.map((i) => i.inspectedAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(await numbers('/api/quality/inspections?result=fail&lot=P-L2', 'lot')).toEqual(['P-L2']);
    expect(await numbers('/api/quality/inspections?plan=QP-NONE', 'lot')).toEqual([]);
    expect(await numbers('/api/quality/ncrs?state=open', 'lot')).toEqual(['P-L2', 'P-L1']);
    expect(await numbers('/api/quality/ncrs?lot=P-L1', 'lot')).toEqual(['P-L1']);
    expect(await numbers('/api/quality/ncrs?state=closed')).toEqual([]);
  });
});
