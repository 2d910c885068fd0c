import type { DataCatalog, DataCategory } from './catalog.js';

/** What a reader sees instead of a value its clearance does not cover (a string, so the schema still holds). */
export const MASK = '•••';

/** A category no one reads through the API, whatever their roles (hashes, second-factor secrets). */
export const NEVER = null;

/**
 * The clearance each category of data asks of a reader, in one place: the permission that must be held
 * (checked by the same authorizer as every command), `NEVER` for data no answer may carry, and nothing for
 * categories that the route's own permission already covers.
 */
export const clearanceRules: Readonly<Partial<Record<DataCategory, string | typeof NEVER>>> = {
  personal: 'privacy.personal.read',
  'trade-secret': 'recipes.read-secret',
  credential: NEVER,
};

/** The permissions a column asks of a reader, or `NEVER`; unknown columns are never shown (fail closed). */
export function clearanceFor(catalog: DataCatalog, column: string): readonly string[] | typeof NEVER {
  const dot = column.indexOf('.');
  const entry = catalog[column.slice(0, dot)]?.columns[column.slice(dot + 1)];
  if (!entry) return NEVER;
  const needed: string[] = [];
  for (const category of entry.categories) {
    const rule = clearanceRules[category];
    if (rule === NEVER) return NEVER;
    if (rule !== undefined) needed.push(rule);
  }
  return needed;
}
