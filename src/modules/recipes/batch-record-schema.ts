import { forbidUpdateAndDelete } from '../../storage/ddl.js';
import type { ModuleMigration } from '../../kernel/store.js';

export interface BatchRecordTables {
  /**
   * Electronic batch records, sealed when generated. `body` is the exact canonical JSON that was sealed, so a
   * later export returns the same bytes and anyone can recompute the digest. A regeneration (e.g. after a late
   * inspection) adds a revision; earlier revisions stay as they were (the table is append-only).
   */
  recipe_batch_records: {
    id: string;
    order_id: string;
    revision: number;
    body: string;
    digest: string;
    signature: string;
    key_id: string;
    generated_at: number;
    generated_by: string;
  };
}

export const batchRecordMigration: ModuleMigration = {
  name: '0902_recipe_batch_records',
  async up(db, storage) {
    await db.schema
      .createTable('recipe_batch_records')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull().references('production_orders.id'))
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('generated_at', storage.capabilities.bigIntType, (c) => c.notNull())
      .addColumn('generated_by', 'text', (c) => c.notNull())
      .addUniqueConstraint('recipe_batch_records_revision', ['order_id', 'revision'])
      .execute();
    // The seal finds a changed record; the triggers keep one from being changed or removed in the first place.
    await forbidUpdateAndDelete(db, storage, 'recipe_batch_records');
  },
};
