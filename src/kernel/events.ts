import type { Logger } from 'pino';

/** A domain event, published only after the transaction that caused it has committed. */
export interface DomainEvent {
  type: string;
  payload: Record<string, unknown>;
  at: number;
}

export type EventHandler = (event: DomainEvent) => void | Promise<void>;

/**
 * In-process event bus. Subscribers run after commit; a failing subscriber is logged and never undoes
 * or blocks the change that already happened.
 */
export class EventBus {
  private readonly handlers = new Map<string, EventHandler[]>();

  constructor(private readonly logger: Logger) {}

  subscribe(type: string, handler: EventHandler): () => void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler);
    this.handlers.set(type, list);
    return () =>
      this.handlers.set(
        type,
        (this.handlers.get(type) ?? []).filter((h) => h !== handler),
      );
  }

  async publish(event: DomainEvent): Promise<void> {
    const targets = [...(this.handlers.get(event.type) ?? []), ...(this.handlers.get('*') ?? [])];
    for (const handler of targets) {
      try {
        await handler(event);
      } catch (error) {
        this.logger.error({ err: error, eventType: event.type }, 'event subscriber failed');
      }
    }
  }
}

/**
 * A security-relevant happening (a failed restore drill, a backup that missed its quorum): published on the
 * bus for monitoring, with a severity; the module that noticed it also logs it and, where it lasts, sets a
 * health condition.
 */
export const SECURITY_EVENT = 'security.event';

export interface SecurityEventPayload extends Record<string, unknown> {
  source: string;
  kind: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  message: string;
}

/**
 * Published by the pipeline for every audited attempt, after its record is written: a command that committed
 * (after commit), one that failed or was refused, and every single denial (also those the audit log counts into
 * one record). Monitoring turns these into security events; nothing else should depend on it.
 */
export const COMMAND_RECORDED = 'pipeline.recorded';

export interface RecordedPayload extends Record<string, unknown> {
  action: string;
  outcome: 'success' | 'failed' | 'denied' | 'error';
  actor: { kind: string; id: string };
  origin: { channel: string; address?: string };
  target?: { type: string; id: string };
  reason?: string;
  details?: Record<string, unknown>;
}
