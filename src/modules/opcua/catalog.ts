import { column, type DataCatalog } from '../../kernel/privacy/catalog.js';

const internal = column('internal');
const process = column('internal', ['process']);

/** OPC UA connections and the samples read through them. */
export const opcuaCatalog: DataCatalog = {
  opcua_connections: {
    description: 'OPC UA servers to read from: endpoint, security policy and nodes.',
    rowKey: 'name',
    columns: {
      name: internal,
      endpoint_url: column('internal', ['security']),
      equipment_path: internal,
      security_policy: column('internal', ['security']),
      sampling_ms: internal,
      nodes: internal,
      created_at: internal,
      updated_at: internal,
    },
  },
  opcua_samples: {
    description: 'Values sampled from OPC UA nodes.',
    retention: { rule: 'telemetry', timeColumn: 'ts' },
    columns: {
      id: process,
      connection: process,
      equipment_path: process,
      tag: process,
      ts: process,
      kind: process,
      value_number: process,
      value_text: process,
      batch_id: process,
      batch_seq: process,
    },
  },
};
