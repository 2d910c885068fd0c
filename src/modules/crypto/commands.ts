import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { ConflictError, ValidationError } from '../../kernel/errors.js';
import type { DataCatalog } from '../../kernel/privacy/catalog.js';
import type { AnyTables } from '../../kernel/store.js';
import { countSealedUnder, replaceValue, rowKeyValue, sealedColumns, type SealedColumn } from './columns.js';
import { defineCommand } from './db.js';
import type { KeyEncryptionKey } from './kek.js';
import { activeKey, decryptOnlyKeys, setState } from './key-rows.js';
import { BLIND_INDEX_PURPOSE, type Keyring } from './keyring.js';
import { sealedUnderPattern } from './sealed-value.js';

const closed = { additionalProperties: false } as const;
const purposeInput = Type.Object({ purpose: Type.String({ minLength: 1, maxLength: 64 }) }, closed);

/** What the rotation commands share: the keyring, the sealed columns, and the KEK a `keys rotate --kek` offers. */
export interface CryptoService {
  keyring: Keyring;
  catalog: DataCatalog;
  /** Set by the CLI before `crypto.keys.rotate-kek`: the new KEK is never part of a command's input. */
  offeredKek?: KeyEncryptionKey;
}

export const startRotation = (service: CryptoService) =>
  defineCommand({
    name: 'crypto.keys.rotate-start',
    summary: 'Make a new version of a purpose’s data key active; the previous one decrypts only',
    input: purposeInput,
    output: Type.Object({ purpose: Type.String(), version: Type.Integer() }, closed),
    errors: ['conflict'],
    permission: 'crypto.keys.rotate',
    async handler(ctx, input) {
      if (input.purpose === BLIND_INDEX_PURPOSE)
        throw new ValidationError('The blind-index key is not rotated: every index would change.');
      const current = await activeKey(ctx.tx, input.purpose, '');
      if (!current) throw new ConflictError(`No data key of purpose ${input.purpose} exists yet.`);
      const dek = await service.keyring.createVersion(ctx.tx, input.purpose, '');
      await setState(ctx.tx, [current.id], 'decrypt-only', ctx.now);
      ctx.setTarget({ type: 'crypto-key', id: dek.id });
      ctx.note({ purpose: input.purpose, version: dek.version, previous: current.version });
      ctx.uow.afterCommit(() => service.keyring.forgetActive(input.purpose));
      return { purpose: input.purpose, version: dek.version };
    },
  });

function columnOf(service: CryptoService, table: string, column: string): SealedColumn {
  const found = sealedColumns(service.catalog).find((c) => c.table === table && c.column === column);
  if (!found || found.appendOnly) throw new ValidationError(`${table}.${column} is not a re-encryptable column.`);
  return found;
}

export const reencryptBatch = (service: CryptoService) =>
  defineCommand({
    name: 'crypto.keys.reencrypt',
    summary: 'Re-encrypt one batch of a column’s values from decrypt-only keys to the active key',
    input: Type.Object(
      { table: Type.String(), column: Type.String(), limit: Type.Integer({ minimum: 1, maximum: 5000 }) },
      closed,
    ),
    output: Type.Object({ reencrypted: Type.Integer(), more: Type.Boolean() }, closed),
    errors: [],
    permission: 'crypto.keys.rotate',
    async handler(ctx, input) {
      const column = columnOf(service, input.table, input.column);
      const old = (await decryptOnlyKeys(ctx.tx, column.purpose)).map((k) => k.id);
      if (old.length === 0) return { reencrypted: 0, more: false };
      const tx = ctx.tx as Kysely<AnyTables>;
      const rows = (await tx
        .selectFrom(column.table)
        .select([...column.rowKey, column.column])
        .where((eb) => eb.or(old.map((id) => eb(column.column, 'like', sealedUnderPattern(id)))))
        .limit(input.limit)
        .execute()) as Record<string, unknown>[];
      let reencrypted = 0;
      for (const row of rows) reencrypted += await reseal(service.keyring, tx, column, row);
      ctx.note({ table: column.table, column: column.column, purpose: column.purpose, reencrypted });
      return { reencrypted, more: rows.length === input.limit };
    },
  });

/** Opens and seals one value again; the update holds only if nobody changed the value meanwhile. */
async function reseal(keyring: Keyring, tx: Kysely<AnyTables>, column: SealedColumn, row: Record<string, unknown>) {
  const stored = row[column.column] as string;
  const field = { table: column.table, column: column.column, row: rowKeyValue(column, row) };
  const plain = await keyring.open(stored, field, tx);
  return replaceValue(tx, column, row, stored, await keyring.seal(tx, plain, field, { purpose: column.purpose }));
}

export const retireKeys = (service: CryptoService) =>
  defineCommand({
    name: 'crypto.keys.retire',
    summary: 'Retire (erase) the decrypt-only keys of a purpose that no stored value uses any more',
    input: purposeInput,
    output: Type.Object({ retired: Type.Integer(), kept: Type.Integer() }, closed),
    errors: [],
    permission: 'crypto.keys.rotate',
    async handler(ctx, input) {
      const columns = sealedColumns(service.catalog).filter((c) => c.purpose === input.purpose);
      const retired: string[] = [];
      for (const key of await decryptOnlyKeys(ctx.tx, input.purpose)) {
        let used = 0;
        for (const column of columns) used += await countSealedUnder(ctx.tx, column, [key.id]);
        if (used === 0) retired.push(key.id);
      }
      const kept = (await decryptOnlyKeys(ctx.tx, input.purpose)).length - retired.length;
      await setState(ctx.tx, retired, 'retired', ctx.now);
      ctx.note({ purpose: input.purpose, retired: retired.length, kept });
      ctx.uow.afterCommit(() => retired.forEach((id) => service.keyring.forgetKey(id)));
      return { retired: retired.length, kept };
    },
  });

export const rotateKek = (service: CryptoService) =>
  defineCommand({
    name: 'crypto.keys.rotate-kek',
    summary: 'Re-wrap every data key under the new key-encryption key offered to this process',
    input: Type.Object({ kekId: Type.String({ maxLength: 100 }) }, closed),
    output: Type.Object({ rewrapped: Type.Integer() }, closed),
    errors: ['conflict'],
    permission: 'crypto.keys.rotate',
    async handler(ctx, input) {
      const next = service.offeredKek;
      if (!next || next.id !== input.kekId) throw new ConflictError('No new key-encryption key is offered.');
      const previous = service.keyring.kek.id;
      const rewrapped = await service.keyring.rewrap(ctx.tx, next);
      ctx.note({ from: previous, to: next.id, rewrapped });
      ctx.uow.afterCommit(() => service.keyring.useKek(next));
      return { rewrapped };
    },
  });
