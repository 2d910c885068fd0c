import type { FieldCipher } from '../privacy/cipher.js';
import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import type { ErrorCode, ErrorCodeWithStatus } from '../error-codes.js';
import type { ReadScopes } from '../scopes.js';
import type { AnyTables, ReadDb, UnitOfWork } from '../store.js';
import type { AppError } from '../errors.js';

/** Who acts. `id` is a pseudonymous identifier (a UUID), never a name or an e-mail address. */
export interface Actor {
  kind: 'user' | 'service' | 'device' | 'system' | 'console' | 'anonymous';
  id: string;
  sessionId?: string;
  /** Set by the identity module for the bootstrap administrator. */
  bootstrap?: boolean;
  /** A one-time password is still in force: only changing it is allowed. */
  mustChangePassword?: boolean;
  /** Role grants in force for this actor, loaded when the session is authenticated. */
  grants?: RoleGrant[];
  /** Second factor: not needed, awaited in this session, verified in this session, or needed but not enrolled. */
  mfa?: 'not-required' | 'pending' | 'verified' | 'enrolment-required';
  /** A session opened at a registered shop-floor terminal: its authority is confined to the terminal's line. */
  terminal?: { id: string; name: string; line: string };
}

/** A role held at a scope: a path in the plant hierarchy ('/' is the whole enterprise), inherited downward. */
export interface RoleGrant {
  role: string;
  scope: string;
  /** Permissions of a custom role; built-in roles take theirs from the permission catalog. */
  permissions?: string[];
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

/** What a handler gets: the one writable handle a module ever sees (`tx`), typed with the module's tables. */
export interface CommandContext<DB = AnyTables> {
  readonly uow: UnitOfWork<DB>;
  readonly tx: Kysely<DB>;
  readonly actor: Actor;
  readonly origin: Origin;
  /** The command's time, epoch milliseconds; one value for the whole command. */
  readonly now: number;
  /** Under dual control: the accounts that approved the command, in order (empty otherwise). */
  readonly approvedBy: readonly string[];
  /** Seals and opens restricted fields (kernel/privacy/cipher.ts); new keys it makes commit with the command. */
  readonly cipher: FieldCipher;
  setTarget(target: AuditTarget): void;
  /** Adds fields to the audit record's details. Never pass secrets or decrypted restricted values. */
  note(details: Record<string, unknown>): void;
  /** Records digests of the state before and after, binding the audit record to the change. */
  recordChange(before: unknown, after: unknown): void;
  emit(type: string, payload: Record<string, unknown>): void;
}

/**
 * How a command is reached over HTTP. The route is registered from the command itself (src/http/commands.ts):
 * its body is the input, its 200 answer the output, its error answers the declared errors.
 */
export interface CommandHttp {
  method: 'POST' | 'DELETE';
  url: string;
  /** Path parameters, merged into the input; without `body`, the parameters are the whole input. */
  params?: TSchema;
  /** The body of a route with path parameters, when it has one (`toInput` merges the two). */
  body?: TSchema;
  toInput?: (params: Record<string, unknown>, body: unknown) => unknown;
  /** A larger body than the server-wide limit, for commands that carry a file. */
  bodyLimit?: number;
  /** Something the answer carries besides its body (the session cookie of a login). */
  onResult?: (result: unknown, reply: FastifyReply) => void;
  /** OpenAPI tags; default: the first part of the command name. */
  tags?: string[];
}

export interface CommandDefinition<S extends TSchema = TSchema, O extends TSchema = TSchema, DB = AnyTables> {
  /** `module.action`, e.g. `recipe.approve`. */
  name: string;
  summary: string;
  input: S;
  /** What the command answers. Over HTTP it is the response schema: fields it does not declare are dropped. */
  output: O;
  /** The catalogue codes the handler may raise, besides those every command may meet (validation, access). */
  errors: readonly ErrorCode[];
  permission: string;
  http?: CommandHttp;
  /** Only the system itself may run it (start-up records, bootstrap). */
  internal?: boolean;
  /** Where in the plant hierarchy the command acts; grants must cover it. Default: '/' (enterprise). */
  scope?(input: Static<S>): string;
  /**
   * Dual control: how many approvers, each distinct from the author and from each other, must approve
   * before the command runs (0: none). The author's request is stored and audited until then. `read` lets
   * the answer depend on stored state (acting on an administrator's account needs a second administrator).
   */
  approvals?(input: Static<S>, actor: Actor, read: ApprovalRead<DB>): number | Promise<number>;
  /**
   * Electronic signature (21 CFR Part 11): the caller must re-enter credentials and state one of these
   * meanings; the audit record binds signer, meaning, time and the digest of what was signed.
   */
  signature?: { meanings: SignatureMeaning[] };
  /** The result, or a refusal whose state change must still commit (a failed login counts toward lockout). */
  handler(ctx: CommandContext<DB>, input: Static<S>): Promise<Static<O> | CommandRefusal>;
}

/** Any command, whatever its schemas and tables: what registries and the pipeline hold. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry holds commands of every shape
export type AnyCommand = CommandDefinition<any, any, any>;

/** What a command's `approvals` may look at: a read handle outside any transaction, and the command's time. */
export interface ApprovalRead<DB = AnyTables> {
  db: ReadDb<DB>;
  now: number;
}

/** Declares a command whose handlers see the tables `DB`; a module binds its tables once (see its db.ts). */
export function commandsOn<DB>() {
  return <S extends TSchema, O extends TSchema>(definition: CommandDefinition<S, O, DB>): CommandDefinition<S, O, DB> =>
    definition;
}

export function defineCommand<S extends TSchema, O extends TSchema>(
  definition: CommandDefinition<S, O>,
): CommandDefinition<S, O> {
  return definition;
}

export interface AccessRequest {
  actor: Actor;
  permission: string;
  command?: AnyCommand;
  input?: unknown;
  /** Scope the access is for, when not given by the command; default '/'. */
  scope?: string;
  /** Only ask whether the permission is held at some scope (an early check before the input is known). */
  anyScope?: boolean;
}

export type AccessDecision =
  | { allowed: true; via?: string }
  | { allowed: false; reason: string; code?: ErrorCodeWithStatus<401 | 403>; status?: 401 | 403 };

/** Decides whether an actor may use a permission. Pluggable: the identity module supplies the real one. */
export interface Authorizer {
  authorize(request: AccessRequest): Promise<AccessDecision>;
  /** Where the actor may read with `permission` (lists filter by it); without it, nowhere. */
  readScopes?(actor: Actor, permission: string): Promise<ReadScopes>;
}

/**
 * Returned (not thrown) by a handler whose refusal must still change state: a failed login counts toward
 * lockout. The pipeline commits, audits the outcome as failed, then throws `error` to the caller.
 */
export class CommandRefusal {
  constructor(readonly error: AppError) {}
}

export type SignatureMeaning = 'authored' | 'reviewed' | 'approved' | 'released' | 'responsibility';

/** What a signer re-enters. `username` and `totp` are needed at the first signing of a session (11.200). */
export interface SignatureInput {
  meaning: SignatureMeaning;
  password: string;
  username?: string;
  totp?: string;
}

/** The signature as the audit record carries it. */
export interface SignatureManifest {
  signerId: string;
  meaning: SignatureMeaning;
  signedAt: string;
  /** SHA-256 of the canonical JSON of {command, input}: the signature belongs to exactly this content. */
  digest: string;
}

/** Checks re-entered credentials; the identity module supplies it. */
export interface SignatureVerifier {
  /** Throws when the credentials are wrong (and records the failed attempt); resolves when they are right. */
  verify(actor: Actor, signature: SignatureInput, at: number): Promise<void>;
  /** Called inside the command's transaction once signed: later signings in the session need less. */
  signed(tx: Kysely<AnyTables>, actor: Actor, at: number): Promise<void>;
}

/** A session found by its token: who it is, whether its last-seen time is due a refresh, its CSRF token hash. */
export interface Authenticated {
  actor: Actor;
  touchDue: boolean;
  csrfHash: string;
}

/** Finds the session a bearer token or cookie names; the identity module supplies it. */
export interface Authenticator {
  authenticate(token: string, now: number): Promise<Authenticated | undefined>;
  /** Releases what it holds (a connection listening for session changes); called when the instance closes. */
  close?(): Promise<void>;
}
