import { Type, type Static } from '@sinclair/typebox';

const closed = { additionalProperties: false } as const;
const name = Type.String({
  pattern: '^[a-z0-9][a-z0-9-]{0,31}$',
  description: 'a destination name of lower-case letters, digits and "-" (at most 32)',
});
const prefix = Type.String({
  pattern: '^([A-Za-z0-9._-]+/)*$',
  default: '',
  description: 'a key prefix ending in "/" (or empty)',
});

/** A local or mounted directory (NFS, SMB, a USB disk): the fastest copy, and the first to fall with the host. */
const directoryDestination = Type.Object(
  {
    name,
    kind: Type.Literal('directory'),
    path: Type.String({ minLength: 1, description: 'a directory path' }),
  },
  closed,
);

/** S3-compatible object storage (AWS, MinIO, Ceph): with object lock, a backup the server cannot delete. */
const s3Destination = Type.Object(
  {
    name,
    kind: Type.Literal('s3'),
    endpoint: Type.Optional(
      Type.String({ pattern: '^https?://', description: 'an http(s):// endpoint URL (omit for AWS)' }),
    ),
    region: Type.String({ minLength: 1, default: 'us-east-1', description: 'an S3 region name' }),
    bucket: Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$', description: 'an S3 bucket name' }),
    prefix,
    accessKeyId: Type.String({ minLength: 1, maxLength: 256, description: 'the access key ID (not secret)' }),
    secretAccessKeyFile: Type.String({
      minLength: 1,
      description: 'a path to a file holding the secret access key (never in the configuration itself)',
    }),
    forcePathStyle: Type.Boolean({
      default: false,
      description: 'true or false (path-style addressing, for MinIO and most self-hosted servers)',
    }),
    objectLockDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 36_500,
        description:
          'an integer from 1 to 36500 (days each object is locked in compliance mode; needs a bucket with object lock)',
      }),
    ),
    caFile: Type.Optional(Type.String({ minLength: 1, description: 'a path to a PEM CA bundle for the endpoint' })),
  },
  closed,
);

/** An SFTP server (OpenSSH): the host key is pinned, never accepted on first use. */
const sftpDestination = Type.Object(
  {
    name,
    kind: Type.Literal('sftp'),
    host: Type.String({ minLength: 1, description: 'a host name or IP address' }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 22, description: 'an integer from 1 to 65535' }),
    username: Type.String({ minLength: 1, maxLength: 64, description: 'the SSH user name' }),
    privateKeyFile: Type.String({ minLength: 1, description: 'a path to the OpenSSH private key (Ed25519 advised)' }),
    hostKeyFingerprint: Type.String({
      pattern: '^SHA256:[A-Za-z0-9+/]{43}$',
      description: 'the server host key fingerprint as `ssh-keygen -lf` prints it (SHA256:...)',
    }),
    path: Type.String({ minLength: 1, description: 'the remote directory that holds the backups' }),
  },
  closed,
);

export const backupDestination = Type.Union([directoryDestination, s3Destination, sftpDestination]);
export type BackupDestinationConfig = Static<typeof backupDestination>;

/**
 * Backups (src/modules/backup): where they go, to whom they are encrypted, how often, how long they are kept,
 * and how often a restore is drilled. No destination configured means no backup is taken (and /readyz says so).
 */
export const backupConfig = Type.Object(
  {
    destinations: Type.Array(backupDestination, {
      default: [],
      maxItems: 8,
      description: 'an ordered list of destinations (directory, s3, sftp); see docs/OPERATIONS.md',
    }),
    quorum: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 8,
        description: 'an integer from 1 to 8 (destinations a backup must reach to succeed; default: all of them)',
      }),
    ),
    recipients: Type.Array(Type.String({ pattern: '^age1[0-9a-z]{58}$', description: 'an age recipient (age1...)' }), {
      default: [],
      maxItems: 16,
      description: 'age public keys the backups are encrypted to (the server holds none of their identities)',
    }),
    identityFile: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'a path to an age identity file, read only for restore drills (best on a separate drill host; see docs/OPERATIONS.md)',
      }),
    ),
    everyMinutes: Type.Integer({
      minimum: 0,
      maximum: 7 * 24 * 60,
      default: 60,
      description: 'an integer from 0 to 10080 (minutes between scheduled backups; 0: only on demand)',
    }),
    attempts: Type.Integer({
      minimum: 1,
      maximum: 10,
      default: 3,
      description: 'an integer from 1 to 10 (tries per destination and object before it is reported failed)',
    }),
    retention: Type.Object(
      {
        hourly: Type.Integer({ minimum: 0, maximum: 1000, default: 24, description: 'newest per hour kept' }),
        daily: Type.Integer({ minimum: 0, maximum: 1000, default: 7, description: 'newest per day kept' }),
        weekly: Type.Integer({ minimum: 0, maximum: 1000, default: 4, description: 'newest per ISO week kept' }),
        monthly: Type.Integer({ minimum: 0, maximum: 1000, default: 12, description: 'newest per month kept' }),
      },
      { ...closed, default: {} },
    ),
    drill: Type.Object(
      {
        everyHours: Type.Integer({
          minimum: 0,
          maximum: 24 * 31,
          default: 24,
          description: 'an integer from 0 to 744 (hours between restore drills; 0: only on demand)',
        }),
        windowHours: Type.Integer({
          minimum: 1,
          maximum: 24 * 92,
          default: 48,
          description: 'an integer from 1 to 2208 (hours without a passed drill before a security event is raised)',
        }),
        databaseUrl: Type.Optional(
          Type.String({
            pattern: '^postgres(ql)?://',
            description:
              'a postgres:// URL of a maintenance database whose user may create databases (PostgreSQL drills; default: the configured database)',
          }),
        ),
      },
      { ...closed, default: {} },
    ),
    remoteWitness: Type.Boolean({
      default: true,
      description: 'true or false (also write every audit checkpoint to the s3 and sftp destinations)',
    }),
  },
  { ...closed, default: {} },
);

/** What the schema alone cannot say: names unique, someone to encrypt to, a quorum that can be reached. */
export function backupConfigProblems(backup: {
  destinations: { name: string }[];
  recipients: string[];
  quorum?: number;
}): string[] {
  const problems: string[] = [];
  const names = backup.destinations.map((d) => d.name);
  const repeated = names.filter((name, i) => names.indexOf(name) !== i);
  if (repeated.length > 0) problems.push(`backup.destinations: the name "${repeated[0]}" is used twice`);
  if (backup.destinations.length > 0 && backup.recipients.length === 0)
    problems.push('backup.recipients: at least one age recipient is needed when backup.destinations are set');
  if (backup.quorum !== undefined && backup.quorum > backup.destinations.length)
    problems.push(
      `backup.quorum: ${backup.quorum} is more than the ${backup.destinations.length} destinations configured`,
    );
  return problems;
}
