import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Session } from './http.js';

export const LINE_1 = '/site-1/area-1/line-1';
export const LINE_2 = '/site-1/area-1/line-2';

/**
 * Records on two lines and records bound to none, made through the HTTP API as an administrator would:
 * order WO-L1 on line 1 and WO-L2 on line 2 (each with a produced, serialised lot and two inspections of it,
 * the second failing, which opens an NCR), the planned order WO-PLAN (no line yet), the received lot RAW-1
 * (no line), a product version with a work-instruction file and an inspection plan.
 */
export async function seedLineRecords(app: FastifyInstance, admin: Session): Promise<{ attachmentId: string }> {
  const post = async (url: string, payload: object) => {
    const response = await app.inject({ method: 'POST', url, headers: admin.headers, payload });
    expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
    return response.json<Record<string, unknown>>();
  };
  await post('/api/materials', { code: 'STEEL', name: 'steel', kind: 'raw', unit: 'kg' });
  await post('/api/materials', { code: 'FRAME', name: 'frame', kind: 'intermediate', unit: 'pcs' });
  const operation = { sequence: 10, name: 'Weld', workCell: LINE_1, standardCycleSeconds: 60, idealCycleSeconds: 50 };
  await post('/api/products/versions', {
    product: 'FRAME',
    bom: [{ material: 'STEEL', quantity: 2, unit: 'kg' }],
    routing: [operation],
    reason: 'initial design',
  });
  const pdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF\n');
  const attachment = await post('/api/products/versions/attachments', {
    product: 'FRAME',
    version: 1,
    operation: 10,
    filename: 'weld.pdf',
    mediaType: 'application/pdf',
    content: pdf.toString('base64'),
  });
  await post('/api/products/versions/release', { product: 'FRAME', version: 1 });
  await post('/api/quality/plans', {
    code: 'QP-FRAME',
    product: 'FRAME',
    characteristics: [{ name: 'width', unit: 'mm', nominal: 500, lower: 499, upper: 501 }],
  });
  await post('/api/lots/receive', {
    number: 'RAW-1',
    material: 'STEEL',
    quantity: 1000,
    supplier: 'Mill',
    supplierLot: 'M1',
  });
  await post('/api/orders', { number: 'WO-PLAN', product: 'FRAME', quantity: 10 });
  for (const [n, line] of [
    [1, LINE_1],
    [2, LINE_2],
  ] as const) {
    const order = `WO-L${n}`;
    await post('/api/orders', { number: order, product: 'FRAME', quantity: 10 });
    await post('/api/orders/release', { number: order });
    await post('/api/orders/dispatch', { number: order, line });
    await post('/api/lots/produce', {
      order,
      output: { number: `P-L${n}`, material: 'FRAME', quantity: 2, serials: [`SN-L${n}-1`, `SN-L${n}-2`] },
      inputs: [{ lot: 'RAW-1', quantity: 4 }],
    });
    const measure = (width: number) => [{ characteristic: 'width', values: [width] }];
    await post('/api/quality/inspections', { plan: 'QP-FRAME', lot: `P-L${n}`, measurements: measure(500.2) });
    await post('/api/quality/inspections', { plan: 'QP-FRAME', lot: `P-L${n}`, measurements: measure(502) });
  }
  return { attachmentId: attachment.id as string };
}
