import { canonicalDigest } from '../digest.js';
import type { FieldCipher } from '../privacy/cipher.js';
import type { DomainEvent } from '../events.js';
import type { UnitOfWork } from '../store.js';
import type { Actor, AuditEntry, AuditTarget, CommandContext, Origin } from './types.js';

/** The per-command context: collects what the audit record and the after-commit events will carry. */
export class PipelineContext implements CommandContext {
  target: AuditTarget | undefined;
  readonly details: Record<string, unknown> = {};
  readonly events: DomainEvent[] = [];
  approvedBy: readonly string[] = [];
  /** The audit entry written for the command, once written (published after commit). */
  recorded: AuditEntry | undefined;

  constructor(
    readonly uow: UnitOfWork,
    readonly actor: Actor,
    readonly origin: Origin,
    readonly now: number,
    cipher: FieldCipher,
  ) {
    // Bound to the command's transaction: a key loaded while it is open must be read through it (SQLite has one
    // connection, so a read beside the transaction would wait for it for ever).
    this.cipher = {
      seal: (tx, plain, field, key) => cipher.seal(tx, plain, field, key),
      open: (sealed, field, tx) => cipher.open(sealed, field, tx ?? this.uow.tx),
      isSealed: (stored) => cipher.isSealed(stored),
      blindIndex: (value, purpose) => cipher.blindIndex(value, purpose),
      shred: (tx, subject, at) => cipher.shred(tx, subject, at),
    };
  }

  readonly cipher: FieldCipher;

  get tx() {
    return this.uow.tx;
  }

  setTarget(target: AuditTarget): void {
    this.target = target;
  }

  note(details: Record<string, unknown>): void {
    Object.assign(this.details, details);
  }

  recordChange(before: unknown, after: unknown): void {
    this.details.beforeDigest = before === undefined ? null : canonicalDigest(before);
    this.details.afterDigest = after === undefined ? null : canonicalDigest(after);
  }

  emit(type: string, payload: Record<string, unknown>): void {
    this.events.push({ type, payload, at: this.now });
  }
}

export function auditEntryOf(action: string, context: PipelineContext): AuditEntry {
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
