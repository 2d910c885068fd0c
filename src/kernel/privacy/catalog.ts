/**
 * The data catalogue's vocabulary. Every column of every table carries a data class and categories, declared
 * next to the module's schema (`<module>/catalog.ts`, `BastionModule.catalog`); the privacy module lists it,
 * the response layer masks by it, the keyring re-encrypts by it and retention disposes by it. A test fails
 * when a column of the migrated database is missing from it.
 */
export const dataClasses = ['public', 'internal', 'confidential', 'restricted'] as const;
export type DataClass = (typeof dataClasses)[number];

export const dataCategories = ['personal', 'trade-secret', 'credential', 'security', 'process'] as const;
export type DataCategory = (typeof dataCategories)[number];

/** How a restricted column is stored: AES-256-GCM under the newest key of `purpose` (kernel/privacy/cipher.ts). */
export interface ColumnEncryption {
  purpose: string;
  /** Under the data subject's own key (the table's `subject` column), so erasing the person shreds the value. */
  bySubject?: boolean;
}

export interface ColumnClass {
  class: DataClass;
  categories: readonly DataCategory[];
  encrypted?: ColumnEncryption;
}

export interface TableClass {
  description: string;
  /** The column(s) naming a row: bound into an encrypted field's additional data. Default `id`. */
  rowKey?: string | readonly string[];
  /** The column holding the id of the person (a user) this row is about, for subject access and erasure. */
  subject?: string;
  /** Rows may not be updated (triggers): a rotation leaves their key version in place (decrypt-only). */
  appendOnly?: boolean;
  /** The retention rule (privacy config) that disposes of a row, and the column that dates it (epoch ms). */
  retention?: { rule: string; timeColumn: string };
  columns: Readonly<Record<string, ColumnClass>>;
}

export type DataCatalog = Readonly<Record<string, TableClass>>;

/** A column declaration in one line: `column('restricted', ['trade-secret'], { purpose: 'recipe-values' })`. */
export function column(
  dataClass: DataClass,
  categories: readonly DataCategory[] = [],
  encrypted?: ColumnEncryption,
): ColumnClass {
  return encrypted ? { class: dataClass, categories, encrypted } : { class: dataClass, categories };
}

/** Every module's catalogue in one; a table declared twice is a programming error. */
export function mergeCatalogs(parts: readonly DataCatalog[]): DataCatalog {
  const all: Record<string, TableClass> = {};
  for (const part of parts) {
    for (const [table, entry] of Object.entries(part)) {
      if (all[table]) throw new Error(`The table ${table} is declared twice in the data catalogue`);
      all[table] = entry;
    }
  }
  return Object.freeze(all);
}

/** The encrypted columns of the catalogue: what a key rotation re-encrypts. */
export function encryptedColumns(catalog: DataCatalog) {
  return Object.entries(catalog).flatMap(([table, entry]) =>
    Object.entries(entry.columns)
      .filter(([, c]) => c.encrypted !== undefined)
      .map(([name, c]) => ({ table, column: name, entry, encryption: c.encrypted as ColumnEncryption })),
  );
}

/** The row key columns of a table, in order. */
export function rowKeyOf(entry: TableClass): readonly string[] {
  const key = entry.rowKey ?? 'id';
  return typeof key === 'string' ? [key] : key;
}
