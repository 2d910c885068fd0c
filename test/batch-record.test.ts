import type { FastifyInstance } from 'fastify';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../src/http/app.js';
import { canonicalJson } from '../src/kernel/canonical-json.js';
import type { BatchRecordExport } from '../src/modules/recipes/batch-record-export.js';
import { RecipeSealer } from '../src/modules/recipes/seal.js';
import { createTestBastion, ManualClock, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, enrolMfa, type Session } from './support/http.js';
import { makeUser, sessionOf, type TestUser } from './support/identity.js';
import { seedPlant } from './support/plant.js';

const LINE = '/site-1/area-1/line-1';
const ORDER = 'WO-EBR-1';
const parameters = [
  { name: 'mould temperature', unit: '°C', setPoint: 212.75, low: 198.5, high: 226.25, critical: true },
  { name: 'screw speed', unit: 'rpm', setPoint: 47.125, low: 41.875, high: 52.625, critical: false },
];

// The electronic batch record of a finished order: sealed, stored, exported as JSON and PDF (issue 6 item 7).
describe(`electronic batch record (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;
  let operator: Session;
  const approvers: { user: TestUser; session: Session }[] = [];
  const clock = new ManualClock();

  const post = (url: string, payload: object, session: Session) =>
    app.inject({ method: 'POST', url, headers: session.headers, payload });
  const get = (query: string, session: Session) =>
    app.inject({ url: `/api/orders/${ORDER}/batch-record${query}`, headers: session.headers });
  const ok = async (url: string, payload: object, session: Session = admin) => {
    const response = await post(url, payload, session);
    expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
    return response;
  };
  const generate = (session: Session) => post(`/api/orders/${ORDER}/batch-record`, {}, session);
  const stored = async () =>
    (await t.bastion.storage.db.selectFrom('recipe_batch_records').select('id').execute()).length;

  beforeAll(async () => {
    t = await createTestBastion({}, clock);
    app = await buildHttpApp(t.bastion);
    clock.advance(Date.now() - clock.now()); // real time, where enrolMfa makes its codes
    admin = await adminSession(app, t);
    await seedPlant(t.bastion);
    await ok('/api/materials', { code: 'CAP', name: 'bottle cap', kind: 'finished', unit: 'pcs' });
    await ok('/api/materials', { code: 'PP', name: 'polypropylene', kind: 'raw', unit: 'kg' });
    const routing = [{ sequence: 10, name: 'mould', workCell: LINE, standardCycleSeconds: 6, idealCycleSeconds: 5 }];
    const bom = [{ material: 'PP', quantity: 0.002, unit: 'kg' }];
    await ok('/api/products/versions', { product: 'CAP', bom, routing, reason: 'caps, first version' });
    await ok('/api/products/versions/release', { product: 'CAP', version: 1 });
    const author = await sessionOf(
      app,
      await makeUser(t.bastion, app, { username: 'pia', roles: [{ role: 'process-engineer' }] }),
    );
    await enrolMfa(app, author, clock.now());
    for (const username of ['quinn', 'quincy']) {
      const user = await makeUser(t.bastion, app, { username, roles: [{ role: 'quality' }] });
      approvers.push({ user, session: await sessionOf(app, user) });
    }
    const otto = await makeUser(t.bastion, app, { username: 'otto', roles: [{ role: 'operator' }] });
    operator = await sessionOf(app, otto);
    const recipe = {
      code: 'RX-EBR',
      name: 'Cap moulding',
      product: 'CAP',
      parameters,
      steps: [],
      reason: 'first recipe',
    };
    await ok('/api/recipes', recipe, author);
    await ok('/api/recipes/versions/submit', { recipe: 'RX-EBR', version: 1 }, author);
    for (const { user, session } of approvers) {
      const signature = { meaning: 'approved', username: user.username, password: user.password };
      await ok('/api/recipes/versions/approve', { input: { recipe: 'RX-EBR', version: 1 }, signature }, session);
    }
    await ok('/api/recipes/versions/activate', { recipe: 'RX-EBR', version: 1 }, author);
    await ok('/api/orders', { number: ORDER, product: 'CAP', quantity: 1000 });
    await ok('/api/orders/release', { number: ORDER });
    await ok('/api/orders/dispatch', { number: ORDER, line: LINE });
    await ok('/api/orders/operations/start', { number: ORDER, line: LINE, sequence: 10 });
    await ok('/api/recipes/issue', { recipe: 'RX-EBR', order: ORDER });
    await ok('/api/lots/receive', {
      number: 'PP-77',
      material: 'PP',
      quantity: 500,
      supplier: 'Resin Co',
      supplierLot: 'R-9',
    });
    const output = { number: 'CAP-77', material: 'CAP', quantity: 990 };
    await ok('/api/lots/produce', { order: ORDER, operation: 10, output, inputs: [{ lot: 'PP-77', quantity: 2 }] });
    const values = [{ parameter: 'screw speed', value: 60.5, ts: clock.now() }];
    expect((await ok('/api/process-values', { equipment: LINE, values }, operator)).json()).toEqual({
      deviations: 1,
      held: 0,
    });
    const characteristics = [{ name: 'diameter', unit: 'mm', nominal: 28, lower: 27.9, upper: 28.1 }];
    await ok('/api/quality/plans', { code: 'QP-CAP', product: 'CAP', characteristics });
    const measure = (value: number) => [{ characteristic: 'diameter', values: [value] }];
    await ok('/api/quality/inspections', { plan: 'QP-CAP', lot: 'CAP-77', measurements: measure(28.02) });
    await ok('/api/quality/inspections', { plan: 'QP-CAP', order: ORDER, measurements: measure(28.4) });
  });
  afterAll(async () => {
    await app?.close();
    await t?.destroy();
  });

  it('refuses an order that is not completed or closed, and stores nothing', async () => {
    const refused = await generate(approvers[0]!.session);
    expect([refused.statusCode, refused.json().code]).toEqual([409, 'order_not_finished']);
    expect(refused.body).toContain('completed or closed');
    expect(await stored()).toBe(0);
    expect((await generate(operator)).statusCode).toBe(403); // operators may not make one
  });

  it('seals the record of a completed order and exports the same sealed record as JSON', async () => {
    const at = { number: ORDER, line: LINE, sequence: 10 };
    await ok('/api/orders/operations/report', { ...at, good: 980, scrap: 10, scrapReason: 'short shot' });
    await ok('/api/orders/operations/complete', at);
    const made = (await ok(`/api/orders/${ORDER}/batch-record`, {}, approvers[0]!.session)).json();
    expect(made).toMatchObject({
      order: ORDER,
      revision: 1,
      seal: { digest: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    const exported = await get('', approvers[1]!.session);
    expect(exported.statusCode, exported.body).toBe(200);
    const body = exported.json<BatchRecordExport>();
    const { record } = body;
    expect(body.seal).toEqual(made.seal);
    expect(body.intact).toBe(true);
    expect(body.names).toBeNull(); // quality may not read accounts: ids only
    expect(record.order).toMatchObject({ number: ORDER, state: 'completed', good: 980, scrap: 10, line: LINE });
    expect(record.order.operations[0]).toMatchObject({ sequence: 10, completedAt: expect.any(String) });
    const [control] = record.controlRecipes;
    expect([record.controlRecipes.length, control?.recipe, control?.version, control?.sealIntact]).toEqual([
      1,
      'RX-EBR',
      1,
      true,
    ]);
    expect(record.deviations).toEqual([
      expect.objectContaining({ parameter: 'screw speed', value: 60.5, low: 41.875, high: 52.625, critical: false }),
    ]);
    expect(record.lots.consumed).toEqual([
      expect.objectContaining({ lot: 'PP-77', material: 'PP', quantity: 2, supplierLot: 'R-9', into: 'CAP-77' }),
    ]);
    expect(record.lots.produced).toEqual([expect.objectContaining({ lot: 'CAP-77', material: 'CAP', quantity: 990 })]);
    expect(record.quality.map((q) => [q.lot, q.result, q.failedCharacteristics])).toEqual([
      ['CAP-77', 'pass', []],
      [null, 'fail', ['diameter']],
    ]);
    expect(record.signatures.approvals.map((a) => a.approverId).sort()).toEqual(approvers.map((a) => a.user.id).sort());
    expect(record.signatures.commands.map((c) => c.action)).toEqual(
      expect.arrayContaining(['production.order.release', 'production.operation.complete', 'recipes.control.issue']),
    );
    const sealer = new RecipeSealer(t.bastion.config.dataDir);
    const bytes = Buffer.from(canonicalJson(record));
    expect(sealer.verifyBytes(bytes, body.seal)).toBe(true);
    bytes[bytes.indexOf('60.5') + 1] = '1'.charCodeAt(0); // one byte: the deviating value becomes 61.5
    expect(sealer.verifyBytes(bytes, body.seal)).toBe(false);
    const audit = await app.inject({
      url: '/api/audit/records?action=recipes.batch-record.export',
      headers: admin.headers,
    });
    expect(audit.body).toContain(body.watermark.fingerprint);
  });

  it('renders a PDF that shows the recipe, seal, deviations, lots and signatures', async () => {
    const response = await get('?format=pdf', admin);
    expect(response.statusCode, response.body.slice(0, 200)).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="batch-record-${ORDER}-r1.pdf"`);
    const pdf = await getDocumentProxy(new Uint8Array(response.rawPayload));
    const { text } = await extractText(pdf, { mergePages: true });
    const json = (await get('', admin)).json<BatchRecordExport>();
    expect(json.names?.[approvers[0]!.user.id]).toBe('Test quinn'); // the administrator may read accounts
    const recipe = ['RX-EBR version 1', json.record.controlRecipes[0]!.sealDigest];
    const lots = ['PP-77', 'R-9', 'CAP-77'];
    const signatures = ['Test quinn', ...approvers.map((a) => a.user.id), json.seal.digest, json.seal.signature];
    for (const shown of [ORDER, ...recipe, 'screw speed', '60.5', ...lots, 'diameter', ...signatures])
      expect(text, shown).toContain(shown);
  });

  it('keeps stored records append-only and refuses exports to readers without recipes.read-secret', async () => {
    const second = (await ok(`/api/orders/${ORDER}/batch-record`, {}, approvers[0]!.session)).json();
    expect(second.revision).toBe(2);
    await expect(
      t.bastion.storage.db.updateTable('recipe_batch_records').set({ body: '{}' }).execute(),
    ).rejects.toThrow(/append-only/);
    expect((await get('', operator)).statusCode).toBe(403);
    expect((await get('', approvers[0]!.session)).json<BatchRecordExport>().record.revision).toBe(2);
    expect((await get('?revision=1', admin)).json<BatchRecordExport>().record.revision).toBe(1);
  });
});
