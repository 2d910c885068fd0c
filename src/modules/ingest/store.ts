import { NotFoundError } from '../../kernel/errors.js';
import type { ReadDb } from '../../kernel/store.js';
import type { Database } from './db.js';
import type { DeviceView } from './views.js';

export type DeviceRow = Database['ingest_devices'];

export function toDeviceView(row: DeviceRow): DeviceView {
  return {
    id: row.id,
    name: row.name,
    equipment: row.node_path,
    groupId: row.group_id,
    edgeNodeId: row.edge_node_id,
    state: row.state,
    quarantineReason: row.quarantine_reason,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    rotatedAt: new Date(Number(row.rotated_at)).toISOString(),
  };
}

export async function deviceByName(db: ReadDb<Database>, name: string): Promise<DeviceRow | undefined> {
  return db.selectFrom('ingest_devices').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function requireDevice(db: ReadDb<Database>, name: string): Promise<DeviceRow> {
  const device = await deviceByName(db, name);
  if (!device) throw new NotFoundError(`No device named ${name}.`);
  return device;
}

export async function listQuarantined(db: ReadDb<Database>, limit: number) {
  const rows = await db
    .selectFrom('ingest_quarantine')
    .selectAll()
    .orderBy('received_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    deviceId: r.device_id,
    topic: r.topic,
    receivedAt: new Date(Number(r.received_at)).toISOString(),
    size: Number(r.size),
    reason: r.reason,
    payloadBase64: r.payload,
  }));
}
