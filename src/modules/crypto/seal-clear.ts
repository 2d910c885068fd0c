import { Type } from '@sinclair/typebox';
import { sql, type Kysely } from 'kysely';
import { ValidationError } from '../../kernel/errors.js';
import type { CommandContext } from '../../kernel/pipeline/types.js';
import type { AnyTables, ReadDb } from '../../kernel/store.js';
import { replaceValue, rowKeyValue, sealedColumns, type SealedColumn } from './columns.js';
import type { CryptoService } from './commands.js';
import { defineCommand } from './db.js';

const closed = { additionalProperties: false } as const;
const SEALED_PREFIX = 'f1.%';

/**
 * Values written before a column was encrypted (a database upgraded to this version) are still clear text. A
 * pass seals them under the active key of the column's purpose (a person's own key for personal columns), batch
 * by batch; `bastion serve` runs one at start, `bastion keys seal` by hand. Append-only rows stay as written.
 */
function clearColumns(service: CryptoService): (SealedColumn & { subject?: string })[] {
  return sealedColumns(service.catalog)
    .filter((c) => !c.appendOnly)
    .map((c) => {
      const entry = service.catalog[c.table];
      const bySubject = entry?.columns[c.column]?.encrypted?.bySubject === true;
      return bySubject && entry?.subject !== undefined ? { ...c, subject: entry.subject } : c;
    });
}

async function sealBatch(
  service: CryptoService,
  ctx: CommandContext,
  input: { table: string; column: string; limit: number },
) {
  const column = clearColumns(service).find((c) => c.table === input.table && c.column === input.column);
  if (!column) throw new ValidationError(`${input.table}.${input.column} is not an encrypted, updatable column.`);
  const tx: Kysely<AnyTables> = ctx.tx;
  const wanted = [
    ...new Set([...column.rowKey, column.column, ...(column.subject !== undefined ? [column.subject] : [])]),
  ];
  const rows = (await tx
    .selectFrom(column.table)
    .select(wanted)
    .where(column.column, 'is not', null)
    .where(column.column, 'not like', SEALED_PREFIX)
    .limit(input.limit)
    .execute()) as Record<string, unknown>[];
  let sealed = 0;
  for (const row of rows) {
    const stored = row[column.column] as string;
    const field = { table: column.table, column: column.column, row: rowKeyValue(column, row) };
    const subject = column.subject === undefined ? undefined : String(row[column.subject]);
    const value = await ctx.cipher.seal(tx, stored, field, {
      purpose: column.purpose,
      ...(subject !== undefined ? { subject } : {}),
    });
    sealed += await replaceValue(tx, column, row, stored, value);
  }
  ctx.setTarget({ type: 'crypto-column', id: `${column.table}.${column.column}` });
  ctx.note({ table: column.table, column: column.column, purpose: column.purpose, sealed });
  return { sealed, more: rows.length === input.limit };
}

async function clearCount(db: ReadDb<AnyTables>, column: SealedColumn): Promise<number> {
  const row = (await db
    .selectFrom(column.table)
    .select(sql<number>`count(*)`.as('n'))
    .where(column.column, 'is not', null)
    .where(column.column, 'not like', SEALED_PREFIX)
    .executeTakeFirst()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}

const batchInput = Type.Object(
  { table: Type.String(), column: Type.String(), limit: Type.Integer({ minimum: 1, maximum: 5000 }) },
  closed,
);
const batchOutput = Type.Object({ sealed: Type.Integer(), more: Type.Boolean() }, closed);

/** `crypto.fields.seal` (security officer, CLI) and `crypto.fields.seal.scheduled` (the server's own start-up pass). */
export function sealClearCommands(service: CryptoService) {
  const base = {
    summary: 'Seal one batch of clear values (written before encryption) in a column the catalogue marks encrypted',
    input: batchInput,
    output: batchOutput,
    errors: [] as const,
    permission: 'crypto.keys.rotate',
    handler: (ctx: CommandContext, input: { table: string; column: string; limit: number }) =>
      sealBatch(service, ctx, input),
  };
  return [
    defineCommand({ ...base, name: 'crypto.fields.seal' }),
    defineCommand({ ...base, name: 'crypto.fields.seal.scheduled', internal: true }),
  ];
}

/** Seals every clear value of every encrypted column, batch by batch; returns how many it sealed per column. */
export async function sealClearValues(
  service: CryptoService,
  db: ReadDb<AnyTables>,
  execute: (name: string, input: Record<string, unknown>) => Promise<unknown>,
  options: { command?: string; batchSize?: number; onBatch?(sealed: number): void } = {},
): Promise<Record<string, number>> {
  const sealed: Record<string, number> = {};
  for (const column of clearColumns(service)) {
    // Read first: a column with nothing to seal costs no command (and no audit record) at every start.
    if ((await clearCount(db, column)) === 0) continue;
    const name = `${column.table}.${column.column}`;
    for (;;) {
      const input = { table: column.table, column: column.column, limit: options.batchSize ?? 500 };
      const batch = (await execute(options.command ?? 'crypto.fields.seal', input)) as {
        sealed: number;
        more: boolean;
      };
      if (batch.sealed > 0) sealed[name] = (sealed[name] ?? 0) + batch.sealed;
      options.onBatch?.(batch.sealed);
      if (!batch.more) break;
    }
  }
  return sealed;
}
