import type { Client } from 'aedes';
import type { IngestRuntime, Session } from './runtime.js';
import { deviceByName, type DeviceRow } from './store.js';
import type { Route } from './topics.js';

/** A registered device as the shared publish path sees it: a session keyed by a stand-in for its connection. */
export interface Publisher {
  client: Client;
  session: Session;
}

interface Entry {
  publisher: Publisher | undefined;
  at: number;
}

/** How long a lookup is trusted: a device registered, quarantined or released on another instance is seen so late. */
const TTL_MS = 5000;
const MAX_ENTRIES = 10_000;

const keyOf = (route: Route) =>
  route.kind === 'json' ? `json\u0000${route.device}` : `sp\u0000${route.group}\u0000${route.edge}`;

/**
 * Finds the registered device whose namespace holds a topic. Through an external broker Bastion never
 * sees who published: the topic is all it has, so the broker's ACLs must bind each device's credentials
 * to its namespace, and Bastion accepts only topics that belong to a registered device. Lookups are
 * cached briefly (misses too, so a stream of unknown topics is not a stream of queries); this instance's
 * own registry changes clear the cache at once.
 */
export class DeviceDirectory {
  private readonly entries = new Map<string, Entry>();
  /** One stand-in per device, so that per-connection state in the runtime lives as long as the device. */
  private readonly standIns = new Map<string, Client>();

  constructor(private readonly rt: IngestRuntime) {}

  async find(route: Route): Promise<Publisher | undefined> {
    const key = keyOf(route);
    const cached = this.entries.get(key);
    if (cached && this.rt.now() - cached.at < TTL_MS) return cached.publisher;
    const row = await this.query(route);
    const publisher = row ? this.publisher(row) : undefined;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { publisher, at: this.rt.now() });
    return publisher;
  }

  forget(): void {
    this.entries.clear();
  }

  private query(route: Route): Promise<DeviceRow | undefined> {
    if (route.kind === 'json') return deviceByName(this.rt.db, route.device);
    return this.rt.db
      .selectFrom('ingest_devices')
      .selectAll()
      .where('group_id', '=', route.group)
      .where('edge_node_id', '=', route.edge)
      .executeTakeFirst();
  }

  private publisher(row: DeviceRow): Publisher {
    let client = this.standIns.get(row.id);
    if (!client) {
      client = { id: row.name, conn: {} } as unknown as Client;
      this.standIns.set(row.id, client);
    }
    const session: Session = {
      id: row.id,
      name: row.name,
      groupId: row.group_id,
      edgeNodeId: row.edge_node_id,
      address: null, // the publisher's address stays with the external broker
      quarantined: row.state === 'quarantined',
    };
    this.rt.sessions.set(client, session);
    return { client, session };
  }
}
