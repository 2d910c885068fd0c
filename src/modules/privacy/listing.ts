import { Type, type Static } from '@sinclair/typebox';
import type { DataCatalog } from '../../kernel/privacy/catalog.js';
import { dataCategories, dataClasses } from '../../kernel/privacy/catalog.js';

const closed = { additionalProperties: false } as const;
const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const catalogColumnView = Type.Object(
  {
    name: Type.String(),
    class: literals(dataClasses),
    categories: Type.Array(literals(dataCategories)),
    encrypted: Type.Union([Type.Object({ purpose: Type.String(), bySubject: Type.Boolean() }, closed), Type.Null()]),
  },
  closed,
);

export const catalogTableView = Type.Object(
  {
    table: Type.String(),
    description: Type.String(),
    subject: Type.Union([Type.String(), Type.Null()], { description: 'the column naming the person a row is about' }),
    appendOnly: Type.Boolean(),
    retention: Type.Union([Type.Object({ rule: Type.String(), timeColumn: Type.String() }, closed), Type.Null()]),
    columns: Type.Array(catalogColumnView),
  },
  closed,
);

export const catalogListingView = Type.Object({ tables: Type.Array(catalogTableView) }, closed);
export type CatalogListing = Static<typeof catalogListingView>;

/** The catalogue as the API, the CLI and the data inventory show it: tables and columns in name order. */
export function catalogListing(catalog: DataCatalog): CatalogListing {
  const tables = Object.entries(catalog)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([table, entry]) => ({
      table,
      description: entry.description,
      subject: entry.subject ?? null,
      appendOnly: entry.appendOnly === true,
      retention: entry.retention ? { ...entry.retention } : null,
      columns: Object.entries(entry.columns)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, c]) => ({
          name,
          class: c.class,
          categories: [...c.categories],
          encrypted: c.encrypted ? { purpose: c.encrypted.purpose, bySubject: c.encrypted.bySubject === true } : null,
        })),
    }));
  return { tables };
}
