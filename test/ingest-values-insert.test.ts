import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR, SYSTEM_ACTOR } from '../src/kernel/actors.js';
import { batchRoot, type ValueRow } from '../src/modules/ingest/batch-root.js';
import { commitBatch } from '../src/modules/ingest/commit.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { seedPlant } from './support/plant.js';

const LINE = '/site-1/area-1/line-1';

// The rows of a committed batch come back exactly as sent, whatever their texts and numbers: on PostgreSQL they
// travel as array literals that values-insert.ts writes itself (quoting, escaping, NULL), on SQLite as parameters.
describe(`ingest values insert (${testDialect})`, () => {
  let t: TestBastion;
  let deviceId: string;

  beforeAll(async () => {
    t = await createTestBastion();
    await seedPlant(t.bastion);
    await t.bastion.pipeline.execute(
      'ingest.device.register',
      { name: 'press-1', equipment: LINE, groupId: 'plant', edgeNodeId: 'press' },
      CONSOLE_ACTOR,
      CLI_ORIGIN,
    );
    const device = await t.bastion.storage.db
      .selectFrom('ingest_devices')
      .select('id')
      .where('name', '=', 'press-1')
      .executeTakeFirstOrThrow();
    deviceId = device.id;
  });
  afterAll(() => t.destroy());

  it('stores quotes, backslashes, braces, commas, NULL-like texts, exponents and -0 as sent, with the root over them', async () => {
    const texts = ['say "hi"', 'back\\slash \\"', '{a,b}', 'NULL', 'null', '', ' padded ', 'Prüfstand ✓ \u{1F600}'];
    const nums = [-0, 1e-7, -1.5e21, 5e-324, 0.1 + 0.2, 2 ** 53, -42];
    const rows: ValueRow[] = [
      ...texts.map((text, i) => ({ deviceId, metric: `text/${i}`, ts: 1_000 + i, num: null, text })),
      ...nums.map((num, i) => ({ deviceId, metric: `num/${i}`, ts: 2_000 + i, num, text: null })),
      { deviceId, metric: 'none', ts: 3_000, num: null, text: null },
      // Enough rows for the batch root to be computed by the worker rather than on the calling thread.
      ...Array.from({ length: 300 }, (_, i) => ({ deviceId, metric: 'bulk', ts: 4_000 + i, num: i / 3, text: null })),
    ];
    // An internal command needs no approval, so the result is the batch (not ApprovalPending).
    const { batchId } = (await t.bastion.pipeline.execute(
      commitBatch,
      { values: rows, quarantined: [], events: [] },
      SYSTEM_ACTOR,
      { channel: 'mqtt' },
    )) as { batchId: string };
    const stored = await t.bastion.storage.db
      .selectFrom('ingest_values')
      .select(['device_id as deviceId', 'metric', 'ts', 'value_num as num', 'value_text as text'])
      .where('batch_id', '=', batchId)
      .execute();
    const back = stored.map((r) => ({ ...r, ts: Number(r.ts), num: r.num === null ? null : Number(r.num) }));
    // -0 reads back as 0 on both dialects, and JSON (the canonical form) writes both as 0.
    expect(back).toEqual(rows.map((r) => ({ ...r, num: Object.is(r.num, -0) ? 0 : r.num })));
    const record = await t.bastion.storage.db
      .selectFrom('audit_records')
      .select('body')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const details = (JSON.parse(record.body) as { details: { root: string } }).details;
    expect(details.root).toBe(batchRoot(back).toString('hex'));
  });
});
