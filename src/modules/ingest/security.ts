import type { Logger } from 'pino';
import type { BatchWriter } from './batch.js';

export type SecurityKind =
  | 'unknown-device'
  | 'bad-credentials'
  | 'namespace-violation'
  | 'malformed-payload'
  | 'oversized'
  | 'flooding'
  | 'quarantined'
  | 'flooding-disconnected'
  | 'sequence-gap'
  | 'timestamp-out-of-window';

export interface Source {
  deviceId?: string | null;
  username?: string | null;
  address?: string | null;
}

/** Attacker-chosen text (user names, topics) is cut short before it is stored or logged. */
const clip = (text: string | null | undefined, max = 120) =>
  text !== null && text !== undefined && text !== '' ? text.slice(0, max) : null;

/**
 * Records refusals: counted in the next batch (repeats in one batch add up), warned in the log at most
 * once a second per kind and source, so a flood of bad messages is neither a flood of rows nor of log
 * lines. The secret a device presented is never passed here.
 */
export class SecurityRecorder {
  private readonly lastWarned = new Map<string, number>();

  constructor(
    private readonly writer: BatchWriter,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  record(kind: SecurityKind, source: Source, detail?: string): void {
    const at = this.now();
    const event = {
      at,
      kind,
      deviceId: source.deviceId ?? null,
      username: clip(source.username, 64),
      address: clip(source.address, 64),
      detail: clip(detail, 200),
      count: 1,
    };
    this.writer.add({ event });
    const key = `${kind}|${event.deviceId}|${event.username}|${event.address}`;
    if (at - (this.lastWarned.get(key) ?? -Infinity) < 1000) return;
    this.lastWarned.set(key, at);
    if (this.lastWarned.size > 10_000) this.lastWarned.clear();
    this.logger.warn(
      { kind, device: event.deviceId, username: event.username, address: event.address, detail: event.detail },
      'ingest refused a device message',
    );
  }
}
