import type { Logger } from 'pino';
import type { Clock } from '../../kernel/clock.js';
import type { EventBus } from '../../kernel/events.js';
import type { HealthConditions } from '../../kernel/health.js';
import type { Witness } from './witness.js';

export interface WitnessMonitorDeps {
  health: HealthConditions;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /** Records the change on the audit log (the audit.witness.report command). */
  record(input: {
    witness: string;
    state: 'failed' | 'recovered';
    treeSize: number;
    reason?: string;
  }): Promise<unknown>;
}

export const WITNESS_FAILED = 'audit.witness-failed';
export const WITNESS_RECOVERED = 'audit.witness-recovered';

/** A safe reason: the error code (EACCES, ENOSPC, ...) rather than a message that could grow unbounded. */
function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message.slice(0, 200) : 'unknown error';
}

/**
 * Watches every witness write. A witness that fails makes Bastion degraded (/readyz), publishes a security
 * event and writes an audit record; when it keeps a checkpoint again, the same once more as a recovery.
 * Only changes of state are reported, so a witness that stays broken cannot flood the log or the bus.
 */
export class WitnessMonitor {
  private readonly failing = new Set<string>();

  constructor(private readonly deps: WitnessMonitorDeps) {}

  async witnessed(witness: Witness, treeSize: number, error?: unknown): Promise<void> {
    const wasFailing = this.failing.has(witness.name);
    if (error === undefined) {
      if (wasFailing) await this.report(witness, treeSize, 'recovered');
      return;
    }
    this.deps.logger.error({ err: error, witness: witness.name, treeSize }, 'witness write failed');
    if (!wasFailing) await this.report(witness, treeSize, 'failed', reasonOf(error));
  }

  private async report(witness: Witness, treeSize: number, state: 'failed' | 'recovered', reason?: string) {
    const { health, events, clock, logger } = this.deps;
    const at = clock.now();
    if (state === 'failed') {
      this.failing.add(witness.name);
      // The path stays out of the reason: /readyz is public. The log and the audit record name the witness.
      health.set(witness.name, `an audit witness cannot keep checkpoints (${reason}) since tree size ${treeSize}`, at);
    } else {
      this.failing.delete(witness.name);
      health.clear(witness.name);
    }
    const payload = { witness: witness.name, treeSize, ...(reason !== undefined && reason !== '' ? { reason } : {}) };
    await events.publish({ type: state === 'failed' ? WITNESS_FAILED : WITNESS_RECOVERED, payload, at });
    try {
      await this.deps.record({ witness: witness.name, state, treeSize, reason });
    } catch (recordError) {
      logger.error({ err: recordError, witness: witness.name }, 'could not audit a witness state change');
    }
  }
}
