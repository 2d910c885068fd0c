import type { Client } from 'aedes';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../storage/tables.js';
import type { BatchWriter } from './batch.js';
import type { EdgeNodes } from './edges.js';
import type { FloodLimiter, SecurityRecorder, Source } from './security.js';
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
  db: Kysely<Database>;
  logger: Logger;
  now(): number;
  writer: BatchWriter;
  security: SecurityRecorder;
  edges: EdgeNodes;
  flood: FloodLimiter;
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
