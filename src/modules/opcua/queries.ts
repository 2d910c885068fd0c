import type { ReadDb } from '../../kernel/store.js';
import type { Database } from './db.js';
import type { ConnectionSpec, SecurityPolicyName } from './status.js';

type Row = Database['opcua_connections'];

export function toSpec(row: Row): ConnectionSpec {
  return {
    name: row.name,
    endpointUrl: row.endpoint_url,
    equipment: row.equipment_path,
    securityPolicy: row.security_policy as SecurityPolicyName,
    samplingMs: Number(row.sampling_ms),
    nodes: JSON.parse(row.nodes) as ConnectionSpec['nodes'],
  };
}

export async function connectionByName(db: ReadDb<Database>, name: string): Promise<Row | undefined> {
  return db.selectFrom('opcua_connections').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function allConnections(db: ReadDb<Database>): Promise<ConnectionSpec[]> {
  const rows = await db.selectFrom('opcua_connections').selectAll().orderBy('name').execute();
  return rows.map(toSpec);
}
