import type { Static, TSchema } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/tables.js';
import type { UnitOfWork } from '../../storage/storage.js';

/** Who acts. `id` is a pseudonymous identifier (a UUID), never a name or an e-mail address. */
export interface Actor {
  kind: 'user' | 'service' | 'device' | 'system' | 'console' | 'anonymous';
  id: string;
  sessionId?: string;
  /** Set by the identity module for the bootstrap administrator. */
  bootstrap?: boolean;
  /** A one-time password is still in force: only changing it is allowed. */
  mustChangePassword?: boolean;
}

/** Where a request came from. */
export interface Origin {
  channel: 'http' | 'cli' | 'system' | 'mqtt' | 'opcua';
  address?: string;
  requestId?: string;
  /** Retries carrying the same key return the first result and write nothing new. */
  idempotencyKey?: string;
}

export interface AuditTarget {
  type: string;
  id: string;
}

export type Outcome = 'success' | 'denied' | 'failed' | 'error';

/** What the pipeline hands to the audit log; the log adds sequence, ID, time and hashes. */
export interface AuditEntry {
  action: string;
  outcome: Outcome;
  actor: Pick<Actor, 'kind' | 'id'>;
  origin: Origin;
  target?: AuditTarget;
  reason?: string;
  details?: Record<string, unknown>;
}

export interface AuditSink {
  append(uow: UnitOfWork, entry: AuditEntry, at: number): Promise<{ seq: number; id: string }>;
}

export interface CommandContext {
  readonly uow: UnitOfWork;
  readonly tx: Kysely<Database>;
  readonly actor: Actor;
  readonly origin: Origin;
  /** The command's time, epoch milliseconds; one value for the whole command. */
  readonly now: number;
  setTarget(target: AuditTarget): void;
  /** Adds fields to the audit record's details. Never pass secrets or decrypted restricted values. */
  note(details: Record<string, unknown>): void;
  /** Records digests of the state before and after, binding the audit record to the change. */
  recordChange(before: unknown, after: unknown): void;
  emit(type: string, payload: Record<string, unknown>): void;
}

export interface CommandDefinition<S extends TSchema = TSchema, R = unknown> {
  /** `module.action`, e.g. `recipe.approve`. */
  name: string;
  summary: string;
  input: S;
  permission: string;
  /** Only the system itself may run it (start-up records, bootstrap). */
  internal?: boolean;
  handler(ctx: CommandContext, input: Static<S>): Promise<R>;
}

export function defineCommand<S extends TSchema, R>(definition: CommandDefinition<S, R>): CommandDefinition<S, R> {
  return definition;
}

export interface AccessRequest {
  actor: Actor;
  permission: string;
  command?: CommandDefinition;
  input?: unknown;
}

export type AccessDecision = { allowed: true } | { allowed: false; reason: string; code?: string };

/** Decides whether an actor may use a permission. Pluggable: the identity module supplies the real one. */
export interface Authorizer {
  authorize(request: AccessRequest): Promise<AccessDecision>;
}
