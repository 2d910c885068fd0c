import type { Kysely } from 'kysely';
import { ConflictError, ForbiddenError, NotFoundError, type AppError } from '../errors.js';
import type { FieldCipher, FieldRef } from '../privacy/cipher.js';
import type { AnyTables, ReadDb } from '../store.js';
import { PIPELINE_PURPOSE } from './idempotency.js';
import type { KernelTables as Database } from './schema.js';
import { canonicalDigest } from '../digest.js';
import { newId } from '../ids.js';
import type { Actor, AuditEntry, Origin } from './types.js';

/** A command held for dual control until enough distinct approvers have approved it. */
export interface PendingApproval {
  id: string;
  command: string;
  input: unknown;
  author: Pick<Actor, 'kind' | 'id'>;
  origin: Origin;
  required: number;
  approvers: string[];
  state: 'pending' | 'executed' | 'rejected';
  createdAt: number;
  expiresAt: number;
}

/** Pending requests expire after a day: an approval is a decision about the present, not a standing order. */
export const APPROVAL_LIFETIME_MS = 24 * 3_600_000;

/** A held input can carry secrets (a new password): sealed under the 'pipeline' key, bound to the request's id. */
const inputField = (id: string): FieldRef => ({ table: 'command_approvals', column: 'input', row: id });

export async function insertApproval(
  tx: Kysely<Database>,
  approval: PendingApproval,
  cipher?: FieldCipher,
): Promise<void> {
  const input = JSON.stringify(approval.input);
  await tx
    .insertInto('command_approvals')
    .values({
      id: approval.id,
      command: approval.command,
      input: cipher ? await cipher.seal(tx, input, inputField(approval.id), { purpose: PIPELINE_PURPOSE }) : input,
      author_kind: approval.author.kind,
      author_id: approval.author.id,
      origin: JSON.stringify(approval.origin),
      required: approval.required,
      approvers: JSON.stringify(approval.approvers),
      state: approval.state,
      created_at: approval.createdAt,
      expires_at: approval.expiresAt,
    })
    .execute();
}

/** A held input as JSON text: opened when sealed (a row stored before sealing reads as is). */
export async function approvalInputText(
  stored: string,
  id: string,
  cipher?: FieldCipher,
  tx?: Kysely<AnyTables>,
): Promise<string> {
  return cipher && cipher.isSealed(stored) ? cipher.open(stored, inputField(id), tx) : stored;
}

/** `tx`: when read inside a transaction (see FieldCipher.open). Rows stored before sealing read as is. */
export async function loadApproval(
  db: ReadDb<Database>,
  id: string,
  cipher?: FieldCipher,
  tx?: Kysely<AnyTables>,
): Promise<PendingApproval> {
  const row = await db.selectFrom('command_approvals').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`No approval request ${id}.`);
  const input = await approvalInputText(row.input, id, cipher, tx);
  return {
    id: row.id,
    command: row.command,
    input: JSON.parse(input) as unknown,
    author: { kind: row.author_kind as Actor['kind'], id: row.author_id },
    origin: JSON.parse(row.origin) as Origin,
    required: row.required,
    approvers: JSON.parse(row.approvers) as string[],
    state: row.state as PendingApproval['state'],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

export async function saveDecision(tx: Kysely<Database>, approval: PendingApproval): Promise<void> {
  await tx
    .updateTable('command_approvals')
    .set({ approvers: JSON.stringify(approval.approvers), state: approval.state })
    .where('id', '=', approval.id)
    .execute();
}

export async function listPending(db: ReadDb<Database>, now: number, cipher?: FieldCipher): Promise<PendingApproval[]> {
  const rows = await db
    .selectFrom('command_approvals')
    .select('id')
    .where('state', '=', 'pending')
    .where('expires_at', '>', now)
    .orderBy('created_at')
    .execute();
  return Promise.all(rows.map((row) => loadApproval(db, row.id, cipher)));
}

/** Separation of duties: the author never approves; nobody approves twice; only open requests are decided. */
export function decisionProblem(approval: PendingApproval, actor: Actor, now: number): AppError | undefined {
  if (approval.state !== 'pending')
    return new ConflictError(`Approval request ${approval.id} is already ${approval.state}.`, 'approval_closed');
  if (approval.expiresAt <= now)
    return new ConflictError(`Approval request ${approval.id} has expired.`, 'approval_expired');
  if (approval.author.id === actor.id)
    return new ForbiddenError('The author of a change cannot approve it.', 'separation_of_duties');
  if (approval.approvers.includes(actor.id))
    return new ForbiddenError('You have already approved this change.', 'duplicate_approver');
  return undefined;
}

export const approvalTarget = (approval: PendingApproval) => ({ type: 'approval', id: approval.id });

/** A new request for `command` by `actor`, held until `required` others approve it. */
export function newApproval(
  command: string,
  input: unknown,
  actor: Actor,
  origin: Origin,
  required: number,
  now: number,
): PendingApproval {
  return {
    id: newId(),
    command,
    input,
    author: { kind: actor.kind, id: actor.id },
    origin: { channel: origin.channel, address: origin.address, requestId: origin.requestId },
    required,
    approvers: [],
    state: 'pending',
    createdAt: now,
    expiresAt: now + APPROVAL_LIFETIME_MS,
  };
}

/** The audit record of a request: the input only by its digest (it may hold secrets). */
export function requestEntry(approval: PendingApproval, origin: Origin): AuditEntry {
  return {
    action: 'approval.request',
    outcome: 'success',
    actor: approval.author,
    origin,
    target: approvalTarget(approval),
    details: { command: approval.command, inputDigest: canonicalDigest(approval.input), required: approval.required },
  };
}

/** Records `actor`'s decision on `approval` (in place) and returns its audit record. */
export function decide(approval: PendingApproval, approve: boolean, actor: Actor, origin: Origin): AuditEntry {
  approval.approvers.push(actor.id);
  approval.state = !approve ? 'rejected' : approval.approvers.length >= approval.required ? 'executed' : 'pending';
  return {
    action: `approval.${approve ? 'approve' : 'reject'}`,
    outcome: 'success',
    actor: { kind: actor.kind, id: actor.id },
    origin,
    target: approvalTarget(approval),
    details: { command: approval.command, approvers: approval.approvers.length, required: approval.required },
  };
}
