import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';

export const ingestPermissions: PermissionDefinition[] = [
  {
    name: 'ingest.devices.manage',
    description: 'Register devices, rotate their credentials, quarantine and release them.',
    roles: ['security-officer'],
    console: true,
  },
  {
    name: 'ingest.read',
    description: 'Read the device registry, ingestion security events and quarantined messages.',
    roles: ['security-officer', 'auditor', 'maintenance'],
    console: true,
  },
  {
    name: 'ingest.values.read',
    description: 'Read the values devices sent (raw telemetry over a time window), inside your grants.',
    roles: ['supervisor', 'process-engineer', 'quality', 'maintenance', 'auditor'],
    console: true,
  },
  { name: 'ingest.batch', description: 'Commit a batch of device data and chain its Merkle root (system only).' },
];
