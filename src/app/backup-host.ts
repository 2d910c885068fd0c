import { backupDestinations, offHostWitnesses, type BackupHost } from '../modules/backup/index.js';
import type { Bastion } from './bastion.js';
import { VERSION } from './version.js';

/** The backup module's view of an open instance (server or CLI): the two audit hooks only app/ holds. */
export function backupHostOf(bastion: Bastion): BackupHost {
  return {
    context: bastion.context,
    destinations: backupDestinations(bastion.config),
    witnesses: offHostWitnesses(bastion.config),
    version: VERSION,
    checkpointNow: () => bastion.audit.checkpointNow(),
    auditSettled: () => bastion.audit.settled(),
  };
}
