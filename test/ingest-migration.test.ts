import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ingestMigrations, type IngestTables } from '../src/modules/ingest/schema.js';
import { migrate } from '../src/storage/migrations.js';
import { testDialect } from './support/database.js';
import { freshStorageEachTest } from './support/fresh-storage.js';

const before = ingestMigrations.filter((m) => m.name < '0808');

/** Values as a database before 0808 holds them: two batches, two devices, one text value, out of time order. */
const old = [
  { batch_id: 'b-1', device_id: 'dev-a', metric: 'temp', ts: 3000, value_num: 21.5, value_text: null },
  { batch_id: 'b-1', device_id: 'dev-b', metric: 'temp', ts: 1000, value_num: 19.25, value_text: null },
  { batch_id: 'b-1', device_id: 'dev-a', metric: 'State', ts: 2000, value_num: null, value_text: 'running' },
  { batch_id: 'b-2', device_id: 'dev-a', metric: 'temp', ts: 4000, value_num: 22, value_text: null },
  { batch_id: 'b-2', device_id: 'dev-a', metric: 'temp', ts: 5000, value_num: 22.75, value_text: null },
];

describe(`ingest migration 0808: values keyed by integers (${testDialect})`, () => {
  const fresh = freshStorageEachTest('bastion-ingest-migration-');
  const db = () => fresh.storage.db as unknown as Kysely<IngestTables>;

  it('moves existing values into series, batches and points, and reads them back through ingest_values in order', async () => {
    await migrate(fresh.storage, before);
    await db().insertInto('ingest_values').values(old).execute();
    expect(await migrate(fresh.storage, ingestMigrations)).toEqual(['0808_ingest_series_points']);

    const series = await db().selectFrom('ingest_series').selectAll().orderBy('id').execute();
    expect(series.map((s) => [s.device_id, s.metric])).toEqual([
      ['dev-b', 'temp'],
      ['dev-a', 'State'],
      ['dev-a', 'temp'],
    ]);
    const batches = await db().selectFrom('ingest_batches').selectAll().orderBy('id').execute();
    expect(batches.map((b) => b.public_id)).toEqual(['b-1', 'b-2']);
    expect(
      Number(
        (
          await db()
            .selectFrom('ingest_points')
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(5);

    for (const batch of ['b-1', 'b-2']) {
      const rows = await db().selectFrom('ingest_values').selectAll().where('batch_id', '=', batch).execute();
      const stored = rows.map((r) => ({
        ...r,
        ts: Number(r.ts),
        value_num: r.value_num === null ? null : Number(r.value_num),
      }));
      expect(stored).toEqual(old.filter((r) => r.batch_id === batch));
    }
  });
});
