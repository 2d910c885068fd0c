import { column, type DataCatalog } from '../../kernel/privacy/catalog.js';

const internal = column('internal');
const process = column('internal', ['process']);
const security = column('internal', ['security']);

/** Registered devices, their telemetry, quarantined messages and security events. */
export const ingestCatalog: DataCatalog = {
  ingest_devices: {
    description: 'Devices allowed to publish, with their hashed MQTT secret.',
    columns: {
      id: internal,
      name: internal,
      node_path: internal,
      group_id: internal,
      edge_node_id: internal,
      secret_hash: column('confidential', ['credential']),
      state: security,
      quarantine_reason: security,
      created_at: internal,
      rotated_at: security,
    },
  },
  ingest_series: {
    description: 'Metrics of each device, numbered for the values that refer to them.',
    columns: { id: process, device_id: process, metric: process },
  },
  ingest_batches: {
    description: 'Committed batches of values, numbered; the public ID is their audit record target.',
    columns: { id: process, public_id: process },
  },
  ingest_points: {
    description: 'Telemetry values received from devices.',
    rowKey: ['batch', 'series', 'ts'],
    retention: { rule: 'telemetry', timeColumn: 'ts' },
    columns: {
      batch: process,
      series: process,
      ts: process,
      value_num: process,
      value_text: process,
    },
  },
  ingest_quarantine: {
    description: 'Messages refused by validation, kept for inspection.',
    columns: {
      id: internal,
      device_id: security,
      topic: security,
      received_at: security,
      size: security,
      // An unvalidated payload may hold anything a device (or an attacker) sent.
      payload: column('confidential', ['security', 'process']),
      reason: security,
    },
  },
  ingest_security_events: {
    description: 'Refused connections and publications (bad credentials, unknown topics), counted.',
    retention: { rule: 'security-events', timeColumn: 'at' },
    columns: {
      id: security,
      at: security,
      kind: security,
      device_id: security,
      username: column('confidential', ['security']),
      address: column('confidential', ['security']),
      detail: security,
      count: security,
    },
  },
};
