import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';

const officer = ['security-officer'];

export const backupPermissions: PermissionDefinition[] = [
  {
    name: 'backup.read',
    description: 'Read the backup, copy, verification, drill and restore history.',
    roles: ['security-officer', 'auditor'],
    console: true,
  },
  { name: 'backup.run', description: 'Take a backup now.', roles: officer, console: true },
  {
    name: 'backup.verify',
    description: 'Verify a stored backup (signature and every digest).',
    roles: officer,
    console: true,
  },
  {
    name: 'backup.prune',
    description: 'Remove backups the retention rules no longer keep.',
    roles: officer,
    console: true,
  },
  { name: 'backup.drill', description: 'Run a restore drill into a sandbox.', roles: officer, console: true },
  {
    name: 'backup.restore',
    description: 'Restore a backup into a data directory or database (over existing data: dual approval).',
    roles: officer,
    console: true,
  },
  { name: 'backup.record', description: 'Record the outcome of backup work (system only).' },
];
