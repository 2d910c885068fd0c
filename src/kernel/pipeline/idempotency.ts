import type { Kysely } from 'kysely';
import { canonicalDigest } from '../digest.js';
import { ConflictError } from '../errors.js';
import type { Actor, CommandDefinition } from './types.js';
import type { FieldCipher, FieldRef } from '../privacy/cipher.js';
import type { AnyTables, ReadDb } from '../store.js';
import type { KernelTables as Database } from './schema.js';

export interface IdempotentCall {
  actorId: string;
  key: string;
  command: string;
  inputDigest: string;
}

/**
 * A stored result can hold anything a command answers (a one-time password, a device secret), so it is sealed
 * under the keyring's 'pipeline' key, bound to its row (actor and key). Rows written before sealing read as is.
 */
export const PIPELINE_PURPOSE = 'pipeline';
const resultField = (call: IdempotentCall): FieldRef => ({
  table: 'command_idempotency',
  column: 'result',
  row: `${call.actorId}/${call.key}`,
});

/** The stored first result of a call, or undefined. The same key with another command or input is a conflict. */
export async function findPriorResult(
  db: ReadDb<Database>,
  call: IdempotentCall,
  cipher?: FieldCipher,
  tx?: Kysely<AnyTables>,
): Promise<{ result: unknown } | undefined> {
  const row = await db
    .selectFrom('command_idempotency')
    .select(['command', 'input_digest', 'result'])
    .where('actor_id', '=', call.actorId)
    .where('idempotency_key', '=', call.key)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.command !== call.command || row.input_digest !== call.inputDigest) {
    throw new ConflictError('This idempotency key was already used for a different request.', 'idempotency_key_reused');
  }
  const text =
    cipher && cipher.isSealed(row.result) ? await cipher.open(row.result, resultField(call), tx) : row.result;
  return { result: JSON.parse(text) as unknown };
}

export async function storeResult(
  tx: Kysely<Database>,
  call: IdempotentCall,
  result: unknown,
  at: number,
  cipher?: FieldCipher,
) {
  const text = JSON.stringify(result ?? null);
  await tx
    .insertInto('command_idempotency')
    .values({
      actor_id: call.actorId,
      idempotency_key: call.key,
      command: call.command,
      input_digest: call.inputDigest,
      result: cipher ? await cipher.seal(tx, text, resultField(call), { purpose: PIPELINE_PURPOSE }) : text,
      created_at: at,
    })
    .execute();
}

export function idempotentCall(
  command: Pick<CommandDefinition, 'name'>,
  input: unknown,
  actor: Actor,
  key: string,
): IdempotentCall {
  return { actorId: actor.id, key, command: command.name, inputDigest: canonicalDigest(input) };
}
