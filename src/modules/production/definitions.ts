import { Type, type Static } from '@sinclair/typebox';
import { NotFoundError } from '../../kernel/errors.js';
import type { ReadDb } from '../../kernel/store.js';
import type { ProductionTables } from './schema.js';

/*
 * Reads take `ReadDb<DB>` for any `DB` holding the tables they read, and look at it with just those tables:
 * TypeScript compares two `ReadDb` instantiations as invariant in their tables, so a module's handle (with more
 * tables) would not be accepted otherwise, though reading a subset of a handle's tables is always safe.
 */

export const materialCode = Type.String({
  pattern: '^[A-Z0-9][A-Z0-9._-]{0,39}$',
  description: 'upper-case letters, digits, dot, dash or underscore',
});
export const materialKind = Type.Union([Type.Literal('raw'), Type.Literal('intermediate'), Type.Literal('finished')]);
export const unit = Type.String({
  pattern: '^[A-Za-z%/0-9.]{1,12}$',
  description: 'a unit of measure such as kg, m, pcs, L',
});

export const bomItem = Type.Object(
  { material: materialCode, quantity: Type.Number({ exclusiveMinimum: 0, maximum: 1e9 }), unit },
  { additionalProperties: false },
);
export const operation = Type.Object(
  {
    sequence: Type.Integer({ minimum: 1, maximum: 9999 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    workCell: Type.String({
      pattern: '^/[a-z0-9][a-z0-9._/-]*$',
      maxLength: 300,
      description: 'the plant path where it runs',
    }),
    standardCycleSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 86_400 }),
    idealCycleSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 86_400 }),
    instructions: Type.Optional(Type.String({ maxLength: 20_000 })),
  },
  { additionalProperties: false },
);
export type BomItem = Static<typeof bomItem>;
export type Operation = Static<typeof operation>;

export type MaterialRow = ProductionTables['production_materials'];
export type DefinitionRow = ProductionTables['production_definitions'];

export function materialView(row: MaterialRow) {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    unit: row.unit,
    retired: row.retired_at !== null,
  };
}

export function definitionView(row: DefinitionRow, product: string) {
  return {
    id: row.id,
    product,
    version: row.version,
    state: row.state,
    bom: JSON.parse(row.bom) as BomItem[],
    routing: JSON.parse(row.routing) as Operation[],
    reason: row.reason,
    createdAt: new Date(row.created_at).toISOString(),
    releasedAt: row.released_at === null ? null : new Date(row.released_at).toISOString(),
  };
}

/** Reads take only the tables they read, so any module's handle that holds them can be passed. */
export async function materialByCode<DB extends ProductionTables>(
  handle: ReadDb<DB>,
  code: string,
): Promise<MaterialRow> {
  const db = handle as unknown as ReadDb<ProductionTables>;
  const row = await db.selectFrom('production_materials').selectAll().where('code', '=', code).executeTakeFirst();
  if (!row || row.retired_at !== null) throw new NotFoundError(`No material ${code}.`);
  return row;
}

export async function definitionsOf<DB extends ProductionTables>(handle: ReadDb<DB>, product: MaterialRow) {
  const db = handle as unknown as ReadDb<ProductionTables>;
  const rows = await db
    .selectFrom('production_definitions')
    .selectAll()
    .where('material_id', '=', product.id)
    .orderBy('version')
    .execute();
  return rows.map((row) => definitionView(row, product.code));
}

/** A material and a product version as every answer shows them (commands and reads alike). */
export const materialOutput = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    name: Type.String(),
    kind: Type.String(),
    unit: Type.String(),
    retired: Type.Boolean(),
  },
  { additionalProperties: false },
);
export const definitionOutput = Type.Object(
  {
    id: Type.String(),
    product: Type.String(),
    version: Type.Integer(),
    state: Type.String(),
    bom: Type.Array(bomItem),
    routing: Type.Array(operation),
    reason: Type.String(),
    createdAt: Type.String(),
    releasedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
