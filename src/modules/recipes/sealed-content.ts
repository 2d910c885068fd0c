import type { FieldCipher } from '../../kernel/privacy/cipher.js';
import type { CommandContext } from '../../kernel/pipeline/types.js';
import type { ReadDb } from '../../kernel/store.js';
import type { Database } from './db.js';

/**
 * A version's parameters and steps are the plant's trade secrets: stored sealed (AES-256-GCM, key purpose
 * `recipe-values`) and bound to their row and column, so neither the database file nor a copy of it shows a set
 * point. Everything that reads a version reads it through here; the seal (seal.ts) covers the clear content.
 */
export const RECIPE_VALUES = 'recipe-values';
const TABLE = 'recipe_versions';

/** Where versions are read from: a read handle (or a command's transaction) and the cipher that opens them. */
export interface RecipeSource {
  db: ReadDb<Database>;
  cipher: FieldCipher;
}

/** The source a command handler reads through: its own transaction. */
export function sourceOf(ctx: CommandContext<Database>): RecipeSource {
  return { db: ctx.tx, cipher: ctx.cipher };
}

export async function sealVersionContent(
  ctx: CommandContext<Database>,
  id: string,
  content: { parameters: unknown; steps: unknown },
): Promise<{ parameters: string; steps: string }> {
  const seal = (column: string, value: unknown) =>
    ctx.cipher.seal(ctx.tx, JSON.stringify(value), { table: TABLE, column, row: id }, { purpose: RECIPE_VALUES });
  return { parameters: await seal('parameters', content.parameters), steps: await seal('steps', content.steps) };
}

/** The row with its parameters and steps in clear JSON (a row written before encryption is returned as it is). */
export async function openVersionRow<R extends { id: string; parameters: string; steps?: string }>(
  cipher: FieldCipher,
  row: R,
): Promise<R> {
  const open = (column: string, stored: string) =>
    cipher.isSealed(stored) ? cipher.open(stored, { table: TABLE, column, row: row.id }) : Promise.resolve(stored);
  const parameters = await open('parameters', row.parameters);
  return row.steps === undefined
    ? { ...row, parameters }
    : { ...row, parameters, steps: await open('steps', row.steps) };
}

/** The parameters of the version `versionId`, from their stored (sealed) form. */
export async function openParameters<P>(cipher: FieldCipher, versionId: string, stored: string): Promise<P[]> {
  const opened = await openVersionRow(cipher, { id: versionId, parameters: stored });
  return JSON.parse(opened.parameters) as P[];
}

/**
 * Values read back from a machine and recorded deviations carry set points and validated limits: the same trade
 * secrets as the version itself, sealed the same way (`recipe_readbacks.reading`, `recipe_deviations.reading`).
 */
export type ReadingTable = 'recipe_readbacks' | 'recipe_deviations';

export function sealReading(ctx: CommandContext<Database>, table: ReadingTable, row: string, reading: unknown) {
  return ctx.cipher.seal(
    ctx.tx,
    JSON.stringify(reading),
    { table, column: 'reading', row },
    { purpose: RECIPE_VALUES },
  );
}

export async function openReading<T>(
  cipher: FieldCipher,
  table: ReadingTable,
  row: string,
  stored: string,
): Promise<T> {
  const clear = cipher.isSealed(stored) ? await cipher.open(stored, { table, column: 'reading', row }) : stored;
  return JSON.parse(clear) as T;
}

/** What a deviation records besides where and when: the value and the validated range it left. */
export interface DeviationReading {
  value: number;
  low: number;
  high: number;
}
