import type { ModuleContext } from '../../kernel/module.js';
import type { Witness } from '../audit/index.js';
import type { BackupDestination } from './destinations/destination.js';

/**
 * What backup work needs from the instance it runs in (the server, or a CLI process): the module context,
 * the destinations (one set per instance, shared with the remote witnesses), and two things only app/ holds:
 * signing a checkpoint now and waiting for remote witness writes, so a backup's log is fully signed and
 * witnessed before the snapshot.
 */
export interface BackupHost {
  readonly context: ModuleContext;
  readonly destinations: BackupDestination[];
  /** The remote witnesses (s3, sftp destinations) the instance writes checkpoints to. */
  readonly witnesses: Witness[];
  readonly version: string;
  checkpointNow(): Promise<unknown>;
  auditSettled(): Promise<void>;
}

/** Progress of long work: a stage name and counts (bytes or objects), for the CLI's bar. */
export type Reporter = (stage: string, done: number, total: number) => void;

export const silent: Reporter = () => undefined;
