import type { Static, TSchema } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { AppError, AuthenticationError, ForbiddenError, NotFoundError, asAppError } from '../errors.js';
import { COMMAND_RECORDED, type EventBus, type RecordedPayload } from '../events.js';
import { validate } from '../validation.js';
import type { ApprovalPending } from '../module.js';
import { NO_CIPHER, type FieldCipher } from '../privacy/cipher.js';
import type { ReadScopes } from '../scopes.js';
import type { AnyTables, TransactionalStore, UnitOfWork } from '../store.js';
import type { KernelTables } from './schema.js';
import {
  approvalTarget,
  decide,
  decisionProblem,
  insertApproval,
  loadApproval,
  newApproval,
  requestEntry,
  saveDecision,
  type PendingApproval,
} from './approvals.js';
import { auditEntryOf, PipelineContext } from './context.js';
import { DenialAggregator } from './denials.js';
import { signCommand } from './signing.js';
import { findPriorResult, idempotentCall, storeResult, type IdempotentCall } from './idempotency.js';
import type { PermissionCatalog } from './permissions.js';
import {
  CommandRefusal,
  type AccessDecision,
  type Actor,
  type AuditEntry,
  type AuditSink,
  type Authorizer,
  type AnyCommand,
  type CommandDefinition,
  type Origin,
  type SignatureInput,
  type SignatureManifest,
  type SignatureVerifier,
} from './types.js';

export interface PipelineDeps {
  signatures?: SignatureVerifier;
  store: TransactionalStore;
  audit: AuditSink;
  authorizer: Authorizer;
  events: EventBus;
  permissions: PermissionCatalog;
  clock: Clock;
  logger: Logger;
  /** Identical denials within this window are audited as one record with a count (see denials.ts). */
  denialWindowMs?: number;
  /** Seals stored results and held inputs (injected by app/: the kernel knows only the port). */
  cipher?: FieldCipher;
}

export type { ApprovalPending } from '../module.js';

/** Errors whose audit record is already written (a refusal committed with its state change). */
const audited = new WeakSet<object>();

/**
 * The one way through for every state change: validate → authorize → one transaction holding the handler
 * and its audit record → events after commit. Denied and failed attempts are audited in their own
 * transaction; invalid input is refused before anything is written. Commands under dual control are held
 * until enough distinct approvers (never the author) approve them.
 */
export class CommandPipeline {
  private readonly commands = new Map<string, AnyCommand>();
  private readonly denials: DenialAggregator;
  /** What handlers seal with: the injected keyring, or one that refuses (a pipeline without one). */
  private readonly commandCipher: FieldCipher;

  constructor(private readonly deps: PipelineDeps) {
    this.commandCipher = deps.cipher ?? NO_CIPHER;
    this.denials = new DenialAggregator({
      windowMs: deps.denialWindowMs ?? 60_000,
      clock: deps.clock,
      events: deps.events,
      logger: deps.logger,
      write: (entry, at) => this.appendAlone(entry, at),
    });
  }

  /** Writes the counts of repeated denials still held in memory; call before shutting down. */
  flushDenials(): Promise<void> {
    return this.denials.flush();
  }

  register(...definitions: AnyCommand[]): void {
    for (const definition of definitions) {
      if (this.commands.has(definition.name)) throw new Error(`command ${definition.name} registered twice`);
      this.deps.permissions.require(definition.permission, `command ${definition.name}`);
      this.commands.set(definition.name, definition);
    }
  }

  list(): AnyCommand[] {
    return [...this.commands.values()];
  }

  get(name: string): AnyCommand {
    const command = this.commands.get(name);
    if (!command) throw new NotFoundError(`Unknown command ${name}.`);
    return command;
  }

  /** The registered command object: one built elsewhere with the same name is refused, not run. */
  private registered(command: AnyCommand): AnyCommand {
    if (this.commands.get(command.name) !== command) throw new NotFoundError(`Unknown command ${command.name}.`);
    return command;
  }

  setAuthorizer(authorizer: Authorizer): void {
    this.deps.authorizer = authorizer;
  }

  setSignatureVerifier(verifier: SignatureVerifier): void {
    this.deps.signatures = verifier;
  }

  /**
   * Runs a command. Given the command object, the result is typed by its output schema (or is the approval it
   * now waits for); given a name (the CLI, tests), it is whatever the command answers.
   */
  execute<S extends TSchema, O extends TSchema>(
    command: CommandDefinition<S, O, AnyTables>,
    rawInput: unknown,
    actor: Actor,
    origin: Origin,
    signature?: SignatureInput,
  ): Promise<Static<O> | ApprovalPending>;
  execute<R = unknown>(
    name: string,
    rawInput: unknown,
    actor: Actor,
    origin: Origin,
    signature?: SignatureInput,
  ): Promise<R>;
  async execute(
    nameOrCommand: string | AnyCommand,
    rawInput: unknown,
    actor: Actor,
    origin: Origin,
    signature?: SignatureInput,
  ): Promise<unknown> {
    const command = typeof nameOrCommand === 'string' ? this.get(nameOrCommand) : this.registered(nameOrCommand);
    const name = command.name;
    const input: unknown = validate(command.input, rawInput, `input for ${name}`, {
      rawText: command.internal === true,
    });
    await this.authorizeCommand(command, input, actor, origin, name);
    const manifest = command.signature
      ? await signCommand(
          { clock: this.deps.clock, verifier: this.deps.signatures, refuse: (entry) => this.recordAttempt(entry) },
          { command, input, actor, origin, signature },
        )
      : undefined;
    const read = { db: this.deps.store.db, now: this.deps.clock.now() };
    const required = (await command.approvals?.(input, actor, read)) ?? 0;
    if (required > 0) return await this.requestApproval(command, input, actor, origin, required);
    const call =
      origin.idempotencyKey !== undefined && origin.idempotencyKey !== ''
        ? idempotentCall(command, input, actor, origin.idempotencyKey)
        : undefined;
    try {
      return await this.run(command, input, actor, origin, call, manifest);
    } catch (error) {
      const prior = call
        ? await findPriorResult(this.deps.store.db, call, this.deps.cipher).catch(() => undefined)
        : undefined;
      if (prior) return prior.result;
      if (!(error instanceof Object && audited.has(error)))
        await this.recordFailure(command.name, actor, origin, error);
      throw asAppError(error);
    }
  }

  /**
   * An approver's decision on a held command. The approver must hold the command's permission at its scope
   * and may be neither its author nor an earlier approver. The last approval runs the command, in the same
   * transaction, as its author, with the approvers in its audit record.
   */
  async decide(approvalId: string, approve: boolean, actor: Actor, origin: Origin): Promise<unknown> {
    const approval = await loadApproval(this.deps.store.db, approvalId, this.deps.cipher);
    const command = this.get(approval.command);
    const action = `approval.${approve ? 'approve' : 'reject'}`;
    await this.authorizeCommand(command, approval.input, actor, origin, action);
    const problem = decisionProblem(approval, actor, this.deps.clock.now());
    if (problem) {
      await this.recordAttempt({
        action,
        outcome: 'denied',
        actor,
        origin,
        reason: problem.code,
        target: approvalTarget(approval),
      });
      throw problem;
    }
    try {
      return await this.runDecision(command, approval, approve, actor, origin);
    } catch (error) {
      await this.recordFailure(action, actor, origin, error);
      throw asAppError(error);
    }
  }

  /**
   * Checks a permission outside a command (a read, or the early check of a command route, which passes
   * `anyScope` because the scope is known only from the validated input); a denial is audited.
   */
  /** Where `actor` may read with `permission`; the authorizer decides, and without one it is nowhere. */
  async readScopes(actor: Actor, permission: string): Promise<ReadScopes> {
    return (await this.deps.authorizer.readScopes?.(actor, permission)) ?? { everywhere: false, paths: [] };
  }

  async authorizeRead(
    actor: Actor,
    permission: string,
    origin: Origin,
    what: string,
    options: { scope?: string; anyScope?: boolean } = {},
  ): Promise<void> {
    const decision = await this.deps.authorizer.authorize({ actor, permission, ...options });
    if (!decision.allowed) await this.deny(decision, actor, origin, what);
  }

  private async authorizeCommand(command: AnyCommand, input: unknown, actor: Actor, origin: Origin, what: string) {
    const decision = await this.deps.authorizer.authorize({ actor, permission: command.permission, command, input });
    if (!decision.allowed) await this.deny(decision, actor, origin, what);
  }

  private async deny(
    decision: AccessDecision & { allowed: false },
    actor: Actor,
    origin: Origin,
    what: string,
  ): Promise<never> {
    const entry = { action: what, outcome: 'denied' as const, actor: { kind: actor.kind, id: actor.id } };
    await this.denials.record({ ...entry, origin, reason: decision.reason });
    await this.published({ ...entry, origin, reason: decision.reason }, this.deps.clock.now());
    // A 401 decision carries `unauthenticated` (or no code); checking both lets the compiler see a 403 code below.
    if (decision.status === 401 || decision.code === 'unauthenticated') {
      throw new AuthenticationError(`Not allowed: ${decision.reason}.`);
    }
    throw new ForbiddenError(`Not allowed: ${decision.reason}.`, decision.code);
  }

  private async run(
    command: AnyCommand,
    input: unknown,
    actor: Actor,
    origin: Origin,
    call?: IdempotentCall,
    manifest?: SignatureManifest,
  ) {
    const now = this.deps.clock.now();
    let context: PipelineContext | undefined;
    const result = await this.deps.store.transact(async (uow) => {
      const prior = call ? await findPriorResult(uow.tx, call, this.deps.cipher, uow.tx) : undefined;
      if (prior) return prior.result;
      context = new PipelineContext(uow, actor, origin, now, this.commandCipher);
      if (manifest) {
        context.note({ signature: manifest });
        await this.deps.signatures!.signed(uow.tx, actor, now);
      }
      const value = await this.handle(uow, command, input, context);
      if (call && !(value instanceof CommandRefusal))
        await storeResult(uow.tx as Kysely<KernelTables>, call, value, now, this.deps.cipher);
      return value;
    });
    return this.afterCommit(result, context);
  }

  /** Runs the handler and appends its audit record, in the caller's transaction. */
  private async handle(
    uow: UnitOfWork,
    command: AnyCommand,
    input: unknown,
    context: PipelineContext,
  ): Promise<unknown> {
    const value: unknown = await command.handler(context, input);
    const entry = auditEntryOf(command.name, context);
    const recorded: AuditEntry =
      value instanceof CommandRefusal ? { ...entry, outcome: 'failed', reason: value.error.code } : entry;
    await this.deps.audit.append(uow, recorded, context.now);
    context.recorded = recorded;
    return value;
  }

  private async afterCommit(result: unknown, context: PipelineContext | undefined): Promise<unknown> {
    if (context?.recorded) await this.published(context.recorded, context.now);
    for (const event of context?.events ?? []) await this.deps.events.publish(event);
    if (result instanceof CommandRefusal) {
      audited.add(result.error);
      throw result.error;
    }
    return result;
  }

  private async requestApproval(
    command: AnyCommand,
    input: unknown,
    actor: Actor,
    origin: Origin,
    required: number,
  ): Promise<ApprovalPending> {
    const now = this.deps.clock.now();
    const approval = newApproval(command.name, input, actor, origin, required, now);
    await this.deps.store.transact(async (uow) => {
      await insertApproval(uow.tx as Kysely<KernelTables>, approval, this.deps.cipher);
      await this.deps.audit.append(uow, requestEntry(approval, origin), now);
    });
    return { approvalPending: true, approvalId: approval.id, approvalsRequired: required };
  }

  private async runDecision(
    command: AnyCommand,
    approval: PendingApproval,
    approve: boolean,
    actor: Actor,
    origin: Origin,
  ) {
    const now = this.deps.clock.now();
    let context: PipelineContext | undefined;
    const result = await this.deps.store.transact(async (uow) => {
      const current = await loadApproval(uow.tx, approval.id, this.deps.cipher, uow.tx);
      const problem = decisionProblem(current, actor, now);
      if (problem) throw problem;
      const decision = decide(current, approve, actor, origin);
      await saveDecision(uow.tx as Kysely<KernelTables>, current);
      await this.deps.audit.append(uow, decision, now);
      if (current.state !== 'executed')
        return {
          approvalId: current.id,
          state: current.state,
          approvals: current.approvers.length,
          approvalsRequired: current.required,
        };
      const author: Actor = { kind: current.author.kind, id: current.author.id };
      context = new PipelineContext(uow, author, current.origin, now, this.commandCipher);
      context.approvedBy = [...current.approvers];
      context.note({ approvalId: current.id, approvedBy: current.approvers });
      return this.handle(uow, command, current.input, context);
    });
    return this.afterCommit(result, context);
  }

  private async recordFailure(action: string, actor: Actor, origin: Origin, error: unknown) {
    const known = error instanceof AppError;
    if (!known) this.deps.logger.error({ err: error, command: action }, 'command failed unexpectedly');
    const appError = asAppError(error);
    await this.recordAttempt({
      action,
      outcome: known ? 'failed' : 'error',
      actor,
      origin,
      reason: appError.code,
      details: known ? { message: appError.message } : undefined,
    });
  }

  /** Audits an attempt that changed nothing. If even that fails, the log says so and the caller still gets its error. */
  private async recordAttempt(entry: Omit<AuditEntry, 'actor'> & { actor: Actor }): Promise<void> {
    const recorded = { ...entry, actor: { kind: entry.actor.kind, id: entry.actor.id } };
    const at = this.deps.clock.now();
    await this.appendAlone(recorded, at);
    await this.published(recorded, at);
  }

  /** Tells monitoring about an audited attempt (kernel/events.ts COMMAND_RECORDED); never throws. */
  private async published(entry: AuditEntry, at: number): Promise<void> {
    const { action, outcome, actor, origin, target, reason, details } = entry;
    const payload: RecordedPayload = {
      action,
      outcome,
      actor,
      origin: { channel: origin.channel, ...(origin.address !== undefined ? { address: origin.address } : {}) },
      ...(target ? { target } : {}),
      ...(reason !== undefined ? { reason } : {}),
      ...(details ? { details } : {}),
    };
    await this.deps.events.publish({ type: COMMAND_RECORDED, payload, at });
  }

  private async appendAlone(entry: AuditEntry, at: number): Promise<number | undefined> {
    try {
      const { seq } = await this.deps.store.transact((uow) => this.deps.audit.append(uow, entry, at));
      return seq;
    } catch (error) {
      this.deps.logger.error({ err: error, action: entry.action }, 'could not audit a refused attempt');
      return undefined;
    }
  }
}
