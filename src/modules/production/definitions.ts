import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { NotFoundError } from '../../kernel/errors.js';
import type { Database } from './db.js';

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

export type MaterialRow = Database['production_materials'];
export type DefinitionRow = Database['production_definitions'];

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

export async function materialByCode(db: Kysely<Database>, code: string): Promise<MaterialRow> {
  const row = await db.selectFrom('production_materials').selectAll().where('code', '=', code).executeTakeFirst();
  if (!row || row.retired_at !== null) throw new NotFoundError(`No material ${code}.`);
  return row;
}

export async function definitionsOf(db: Kysely<Database>, product: MaterialRow) {
  const rows = await db
    .selectFrom('production_definitions')
    .selectAll()
    .where('material_id', '=', product.id)
    .orderBy('version')
    .execute();
  return rows.map((row) => definitionView(row, product.code));
}
