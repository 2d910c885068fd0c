import type { BackupDestinationConfig } from '../../../kernel/config/backup.js';
import type { BackupDestination } from './destination.js';
import { DirectoryDestination } from './directory.js';
import { S3Destination } from './s3.js';
import { SftpDestination } from './sftp.js';

export type { BackupDestinationConfig } from '../../../kernel/config/backup.js';
export { DestinationError, type BackupDestination, type PutOptions, type StoredObject } from './destination.js';
export { DirectoryDestination, type DirectoryDestinationConfig } from './directory.js';
export { S3Destination, type S3DestinationConfig } from './s3.js';
export { SftpDestination, type SftpDestinationConfig } from './sftp.js';
export { fingerprintOf } from './host-key.js';

/** The destination a configuration entry describes (validated already by the configuration schema). */
export function destinationFor(config: BackupDestinationConfig): BackupDestination {
  switch (config.kind) {
    case 'directory':
      return new DirectoryDestination(config);
    case 's3':
      return new S3Destination(config);
    case 'sftp':
      return new SftpDestination(config);
  }
}
