import type { Kysely } from 'kysely';
import { canonicalDigest } from '../digest.js';
import { ConflictError } from '../errors.js';
import type { Actor, CommandDefinition } from './types.js';
import type { ReadDb } from '../store.js';
import type { KernelTables as Database } from './schema.js';

export interface IdempotentCall {
  actorId: string;
  key: string;
  command: string;
  inputDigest: string;
}

/** The stored first result of a call, or undefined. The same key with another command or input is a conflict. */
export async function findPriorResult(
  db: ReadDb<Database>,
  call: IdempotentCall,
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
  return { result: JSON.parse(row.result) as unknown };
}

export async function storeResult(tx: Kysely<Database>, call: IdempotentCall, result: unknown, at: number) {
  await tx
    .insertInto('command_idempotency')
    .values({
      actor_id: call.actorId,
      idempotency_key: call.key,
      command: call.command,
      input_digest: call.inputDigest,
      result: JSON.stringify(result ?? null),
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
