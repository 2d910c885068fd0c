import { sql } from 'kysely';
import type { ModuleMigration } from '../../kernel/store.js';

export interface RecipeTables {
  /** A master recipe (ISA-88): what it makes, at which operation, on which class of equipment. */
  recipes: {
    id: string;
    code: string;
    name: string;
    material_id: string;
    operation: number | null;
    equipment_class: string | null;
    classification: string;
    created_at: number;
  };
  /**
   * Versions of a master recipe: draft › in-review › approved › effective › superseded/retired (or blocked
   * when its content no longer matches its seal). Content never changes after submission.
   */
  recipe_versions: {
    id: string;
    recipe_id: string;
    version: number;
    state: string;
    parameters: string;
    steps: string;
    reason: string;
    author_id: string;
    created_at: number;
    approvals_required: number | null;
    seal_digest: string | null;
    seal_signature: string | null;
    seal_key_id: string | null;
    sealed_at: number | null;
    effective_at: number | null;
  };
  /** Each approver's electronic signature on a version (the pipeline's audit record holds the manifest). */
  recipe_approvals: {
    version_id: string;
    approver_id: string;
    approved_at: number;
  };
  /** A control recipe: the effective version issued to one work order, with the seal it was verified against. */
  recipe_control: {
    id: string;
    order_id: string;
    version_id: string;
    seal_digest: string;
    issued_at: number;
    issued_by: string;
  };
}

export const recipeMigrations: ModuleMigration[] = [
  {
    name: '0900_recipes',
    async up(db, storage) {
      const big = storage.capabilities.bigIntType;
      await db.schema
        .createTable('recipes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('material_id', 'text', (c) => c.notNull().references('production_materials.id'))
        .addColumn('operation', 'integer')
        .addColumn('equipment_class', 'text')
        .addColumn('classification', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('recipe_versions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('recipe_id', 'text', (c) => c.notNull().references('recipes.id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('parameters', 'text', (c) => c.notNull())
        .addColumn('steps', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('author_id', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('approvals_required', 'integer')
        .addColumn('seal_digest', 'text')
        .addColumn('seal_signature', 'text')
        .addColumn('seal_key_id', 'text')
        .addColumn('sealed_at', big)
        .addColumn('effective_at', big)
        .addUniqueConstraint('recipe_versions_version', ['recipe_id', 'version'])
        .execute();
      await db.schema
        .createTable('recipe_approvals')
        .addColumn('version_id', 'text', (c) => c.notNull().references('recipe_versions.id'))
        .addColumn('approver_id', 'text', (c) => c.notNull())
        .addColumn('approved_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('recipe_approvals_pk', ['version_id', 'approver_id'])
        .execute();
      await db.schema
        .createTable('recipe_control')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('production_orders.id'))
        .addColumn('version_id', 'text', (c) => c.notNull().references('recipe_versions.id'))
        .addColumn('seal_digest', 'text', (c) => c.notNull())
        .addColumn('issued_at', big, (c) => c.notNull())
        .addColumn('issued_by', 'text', (c) => c.notNull())
        .execute();
    },
  },
];

export interface DeviationTables {
  /** A process value outside its validated range (or a set point the machine holds that Bastion did not issue). */
  recipe_deviations: {
    id: string;
    order_id: string;
    control_id: string;
    parameter: string;
    kind: string;
    /** Sealed JSON {value, low, high} (sealed-content.ts): the limits are the recipe's. */
    reading: string;
    critical: number;
    equipment: string;
    at: number;
  };
}

recipeMigrations.push({
  name: '0901_recipe_deviations',
  async up(db, storage) {
    await db.schema
      .createTable('recipe_deviations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull().references('production_orders.id'))
      .addColumn('control_id', 'text', (c) => c.notNull().references('recipe_control.id'))
      .addColumn('parameter', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('low', 'double precision', (c) => c.notNull())
      .addColumn('high', 'double precision', (c) => c.notNull())
      .addColumn('critical', 'integer', (c) => c.notNull())
      .addColumn('equipment', 'text', (c) => c.notNull())
      .addColumn('at', storage.capabilities.bigIntType, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('recipe_deviations_order')
      .on('recipe_deviations')
      .columns(['order_id', 'at'])
      .execute();
  },
});

export interface DownloadTables {
  /** A parameter set sent to equipment for a work order, and what its read-back showed. */
  recipe_downloads: {
    id: string;
    control_id: string;
    order_id: string;
    equipment: string;
    state: string;
    sent_at: number;
    sent_by: string;
    confirmed_at: number | null;
  };
  /** The last value read back for each parameter of a download (so a drift is recorded once, not each cycle). */
  recipe_readbacks: {
    download_id: string;
    parameter: string;
    /** The sealed value read back (sealed-content.ts). */
    reading: string;
    at: number;
  };
}

recipeMigrations.push({
  name: '0903_recipe_downloads',
  async up(db, storage) {
    const big = storage.capabilities.bigIntType;
    await db.schema
      .createTable('recipe_downloads')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('control_id', 'text', (c) => c.notNull().references('recipe_control.id'))
      .addColumn('order_id', 'text', (c) => c.notNull().references('production_orders.id'))
      .addColumn('equipment', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('sent_at', big, (c) => c.notNull())
      .addColumn('sent_by', 'text', (c) => c.notNull())
      .addColumn('confirmed_at', big)
      .execute();
    await db.schema
      .createIndex('recipe_downloads_equipment')
      .on('recipe_downloads')
      .columns(['equipment', 'sent_at'])
      .execute();
    await db.schema
      .createTable('recipe_readbacks')
      .addColumn('download_id', 'text', (c) => c.notNull().references('recipe_downloads.id'))
      .addColumn('parameter', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('recipe_readbacks_pk', ['download_id', 'parameter'])
      .execute();
  },
});

/**
 * Read-back values and deviations held set points and limits in clear numeric columns; they move into one
 * sealed `reading` text column each. Rows from before are carried over as clear JSON, which the code still
 * reads and `bastion keys rotate` seals.
 */
recipeMigrations.push({
  name: '0904_recipe_readings_sealed',
  async up(db) {
    // Dialect-neutral SQL: a float cast to text is a JSON number on both SQLite and PostgreSQL.
    await db.schema.alterTable('recipe_readbacks').addColumn('reading', 'text').execute();
    await sql`update recipe_readbacks set reading = cast(value as text)`.execute(db);
    await db.schema.alterTable('recipe_readbacks').dropColumn('value').execute();
    await db.schema.alterTable('recipe_deviations').addColumn('reading', 'text').execute();
    await sql`update recipe_deviations set reading =
      '{"value":' || cast(value as text) || ',"low":' || cast(low as text) || ',"high":' || cast(high as text) || '}'`.execute(
      db,
    );
    for (const column of ['value', 'low', 'high'])
      await db.schema.alterTable('recipe_deviations').dropColumn(column).execute();
  },
});
