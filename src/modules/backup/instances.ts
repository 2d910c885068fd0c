import type { BastionConfig } from '../../kernel/config/schema.js';
import type { Witness } from '../audit/index.js';
import type { BackupDestination } from './destinations/destination.js';
import { destinationFor } from './destinations/index.js';
import { remoteWitnesses } from './witness.js';

interface Instances {
  destinations: BackupDestination[];
  witnesses: Witness[];
}

/**
 * One set of destinations per configuration (a configuration is one instance's, frozen): the backup jobs and
 * the off-host witnesses share their connections, and app/ asks for the witnesses before the modules exist.
 */
const byConfig = new WeakMap<BastionConfig, Instances>();

function instancesOf(config: BastionConfig): Instances {
  let found = byConfig.get(config);
  if (!found) {
    const destinations = config.backup.destinations.map((d) => destinationFor(d));
    found = { destinations, witnesses: remoteWitnesses(config, destinations) };
    byConfig.set(config, found);
  }
  return found;
}

export const backupDestinations = (config: BastionConfig) => instancesOf(config).destinations;

/** The s3 and sftp destinations as audit witnesses (`backup.remoteWitness`). */
export const offHostWitnesses = (config: BastionConfig) => instancesOf(config).witnesses;

/** Ends the destinations' connections (SFTP) of an instance that closes. */
export async function closeDestinations(config: BastionConfig): Promise<void> {
  const found = byConfig.get(config);
  if (found) await Promise.allSettled(found.destinations.map((d) => d.close()));
}
