import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { canonicalDigest } from '../digest.js';
import { AppError, ForbiddenError, NotFoundError, asAppError } from '../errors.js';
import type { EventBus } from '../events.js';
import { validate } from '../validation.js';
import { inTransaction, type Storage } from '../../storage/storage.js';
import { PipelineContext } from './context.js';
import { findPriorResult, storeResult, type IdempotentCall } from './idempotency.js';
import type { PermissionCatalog } from './permissions.js';
import type { Actor, AuditEntry, AuditSink, Authorizer, CommandDefinition, Origin } from './types.js';

export interface PipelineDeps {
  storage: Storage;
  audit: AuditSink;
  authorizer: Authorizer;
  events: EventBus;
  permissions: PermissionCatalog;
  clock: Clock;
  logger: Logger;
}

/**
 * The one way through for every state change: validate → authorize → one transaction holding the handler
 * and its audit record → events after commit. Denied and failed attempts are audited in their own
 * transaction; invalid input is refused before anything is written.
 */
export class CommandPipeline {
  private readonly commands = new Map<string, CommandDefinition>();

  constructor(private readonly deps: PipelineDeps) {}

  register(...definitions: CommandDefinition[]): void {
    for (const definition of definitions) {
      if (this.commands.has(definition.name)) throw new Error(`command ${definition.name} registered twice`);
      this.deps.permissions.require(definition.permission, `command ${definition.name}`);
      this.commands.set(definition.name, definition);
    }
  }

  list(): CommandDefinition[] {
    return [...this.commands.values()];
  }

  get(name: string): CommandDefinition {
    const command = this.commands.get(name);
    if (!command) throw new NotFoundError(`Unknown command ${name}.`);
    return command;
  }

  setAuthorizer(authorizer: Authorizer): void {
    this.deps.authorizer = authorizer;
  }

  async execute<R = unknown>(name: string, rawInput: unknown, actor: Actor, origin: Origin): Promise<R> {
    const command = this.get(name);
    const input = validate(command.input, rawInput, `input for ${name}`);
    const decision = await this.deps.authorizer.authorize({ actor, permission: command.permission, command, input });
    if (!decision.allowed) {
      await this.recordAttempt({ action: name, outcome: 'denied', actor, origin, reason: decision.reason });
      throw new ForbiddenError(`Not allowed: ${decision.reason}.`, decision.code);
    }
    const call = origin.idempotencyKey ? idempotentCall(command, input, actor, origin.idempotencyKey) : undefined;
    try {
      return (await this.run(command, input, actor, origin, call)) as R;
    } catch (error) {
      const prior = call ? await findPriorResult(this.deps.storage.db, call).catch(() => undefined) : undefined;
      if (prior) return prior.result as R;
      await this.recordFailure(command, actor, origin, error);
      throw asAppError(error);
    }
  }

  /** Checks a read permission; a denial is audited like a denied command. */
  async authorizeRead(actor: Actor, permission: string, origin: Origin, what: string): Promise<void> {
    const decision = await this.deps.authorizer.authorize({ actor, permission });
    if (decision.allowed) return;
    await this.recordAttempt({ action: what, outcome: 'denied', actor, origin, reason: decision.reason });
    throw new ForbiddenError(`Not allowed: ${decision.reason}.`, decision.code);
  }

  private async run(
    command: CommandDefinition,
    input: unknown,
    actor: Actor,
    origin: Origin,
    call: IdempotentCall | undefined,
  ): Promise<unknown> {
    const now = this.deps.clock.now();
    let context: PipelineContext | undefined;
    const result = await inTransaction(this.deps.storage, this.deps.logger, async (uow) => {
      const prior = call ? await findPriorResult(uow.tx, call) : undefined;
      if (prior) return prior.result;
      context = new PipelineContext(uow, actor, origin, now);
      const value = await command.handler(context, input);
      await this.deps.audit.append(uow, auditEntryOf(command.name, context), now);
      if (call) await storeResult(uow.tx, call, value, now);
      return value;
    });
    for (const event of context?.events ?? []) await this.deps.events.publish(event);
    return result;
  }

  private async recordFailure(command: CommandDefinition, actor: Actor, origin: Origin, error: unknown) {
    const known = error instanceof AppError;
    if (!known) this.deps.logger.error({ err: error, command: command.name }, 'command failed unexpectedly');
    const appError = asAppError(error);
    await this.recordAttempt({
      action: command.name,
      outcome: known ? 'failed' : 'error',
      actor,
      origin,
      reason: appError.code,
      details: known ? { message: appError.message } : undefined,
    });
  }

  /** Audits an attempt that changed nothing. If even that fails, the log says so and the caller still gets its error. */
  private async recordAttempt(entry: Omit<AuditEntry, 'actor'> & { actor: Actor }): Promise<void> {
    const at = this.deps.clock.now();
    try {
      await inTransaction(this.deps.storage, this.deps.logger, (uow) =>
        this.deps.audit.append(uow, { ...entry, actor: { kind: entry.actor.kind, id: entry.actor.id } }, at),
      );
    } catch (error) {
      this.deps.logger.error({ err: error, action: entry.action }, 'could not audit a refused attempt');
    }
  }
}

function idempotentCall(command: CommandDefinition, input: unknown, actor: Actor, key: string): IdempotentCall {
  return { actorId: actor.id, key, command: command.name, inputDigest: canonicalDigest(input) };
}

function auditEntryOf(action: string, context: PipelineContext): AuditEntry {
  const details = Object.keys(context.details).length > 0 ? context.details : undefined;
  return {
    action,
    outcome: 'success',
    actor: { kind: context.actor.kind, id: context.actor.id },
    origin: context.origin,
    target: context.target,
    details,
  };
}
