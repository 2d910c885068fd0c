import type { Client } from 'aedes';
import type { Logger } from 'pino';
import type { ReadDb } from '../../kernel/store.js';
import type { Database } from './db.js';
import type { BatchWriter } from './batch.js';
import type { EdgeNodes } from './edges.js';
import type { Pacer } from './pacer.js';
import type { SecurityRecorder, Source } from './security.js';
import type { TimeWindow } from './timestamps.js';
import type { Namespace } from './topics.js';

/** An authenticated device connection: who it is, where from, and whether its data goes to quarantine. */
export interface Session extends Namespace {
  id: string;
  address: string | null;
  quarantined: boolean;
}

/** What the broker hooks share. */
export interface IngestRuntime {
  db: ReadDb<Database>;
  logger: Logger;
  now(): number;
  writer: BatchWriter;
  security: SecurityRecorder;
  edges: EdgeNodes;
  /** Holds a device's messages over `mqtt.maxMessagesPerSecond` (never drops them). */
  pacer: Pacer;
  /** How much waiting a device may pile up before it is disconnected (embedded broker; unbounded otherwise). */
  maxHoldMs: number;
  /** Whether a held message is a `flooding` security event: a device's own rate, not a broker's replay. */
  flagFlooding: boolean;
  maxPayloadBytes: number;
  /** Device timestamps outside it send the message to quarantine. */
  timeWindow: TimeWindow;
  sessions: WeakMap<Client, Session>;
  /** Connected clients per device, so that a rotation or quarantine reaches the live connections. */
  clients: Map<string, Set<Client>>;
  requestRebirth(session: Session): void;
}

export const sourceOf = (session: Session): Source => ({
  deviceId: session.id,
  username: session.name,
  address: session.address,
});

export function addressOf(client: Client): string | null {
  return (client.conn as { remoteAddress?: string }).remoteAddress ?? null;
}
