import { Agent } from 'node:https';
import type * as S3 from '@aws-sdk/client-s3';
import type * as Storage from '@aws-sdk/lib-storage';
import { readSecretFile } from './keys.js';

export interface S3DestinationConfig {
  name: string;
  endpoint?: string;
  region: string;
  bucket: string;
  prefix: string;
  accessKeyId: string;
  secretAccessKeyFile: string;
  forcePathStyle: boolean;
  objectLockDays?: number;
  caFile?: string;
}

/** An S3 client and the SDK it came from. */
export interface S3Session {
  client: S3.S3Client;
  sdk: typeof S3;
  Upload: typeof Storage.Upload;
}

/**
 * The S3 client for a destination. The SDK is loaded here, on first use, not when Bastion starts: it costs
 * some 400 ms and is dead weight for the many installations without an S3 destination. Two attempts and
 * 30 s timeouts: an unreachable endpoint fails a backup in seconds (the backup job has its own attempts),
 * rather than in the SDK's minutes of retries.
 */
export async function s3Session(config: S3DestinationConfig): Promise<S3Session> {
  const [sdk, { Upload }, { NodeHttpHandler }] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/lib-storage'),
    import('@smithy/node-http-handler'),
  ]);
  const secret = await readSecretFile(config.name, 'secretAccessKeyFile', config.secretAccessKeyFile);
  const secretAccessKey = secret.toString('utf8').trim();
  const ca = config.caFile === undefined ? undefined : await readSecretFile(config.name, 'caFile', config.caFile);
  const client = new sdk.S3Client({
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey },
    // Self-hosted servers (s3rver, older MinIO and Ceph) do not speak the newer flexible checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 30_000,
      socketTimeout: 30_000,
      ...(ca === undefined ? {} : { httpsAgent: new Agent({ ca, keepAlive: true }) }),
    }),
  });
  return { client, sdk, Upload };
}
