import type { KeyObject } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { canonicalJson } from '../../../kernel/canonical-json.js';
import { keyIdOf, verifySignature, type SigningKey } from '../../../kernel/keys/key-store.js';
import { DestinationError, type BackupDestination } from '../destinations/destination.js';
import { BackupInvalidError } from './errors.js';
import { BACKUP_FORMAT, BACKUP_ID, manifestKey, signatureKey, type BackupManifest } from './format.js';

const closed = { additionalProperties: false } as const;
const count = Type.Integer({ minimum: 0 });
const hex64 = Type.String({ pattern: '^[0-9a-f]{64}$' });

const manifestSchema = Type.Object(
  {
    format: Type.Literal(BACKUP_FORMAT),
    id: Type.String({ pattern: BACKUP_ID.source }),
    createdAt: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' }),
    bastionVersion: Type.String(),
    node: Type.String(),
    dialect: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
    schema: Type.Object({ migrations: count, last: Type.Union([Type.String(), Type.Null()]) }, closed),
    audit: Type.Object(
      {
        treeSize: count,
        rootHash: hex64,
        checkpoint: Type.Union([Type.Object({ body: Type.String(), signature: Type.String() }, closed), Type.Null()]),
      },
      closed,
    ),
    tables: Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), count),
    parts: Type.Array(
      Type.Object(
        {
          name: Type.Union([Type.Literal('database'), Type.Literal('files')]),
          key: Type.String(),
          size: count,
          sha256: hex64,
          plainSize: count,
          plainSha256: hex64,
          compression: Type.Literal('zstd'),
          encryption: Type.Literal('age'),
        },
        closed,
      ),
      { minItems: 2, maxItems: 2 },
    ),
    recipients: Type.Array(Type.String()),
    signer: Type.String({ pattern: '^[0-9a-f]{16}$' }),
  },
  closed,
);

// The schema and the TypeScript type must describe the same thing.
const sameShape = (manifest: Static<typeof manifestSchema>): BackupManifest => manifest;

/** The exact bytes that are signed and stored, and their raw 64-byte Ed25519 signature. */
export function signManifest(manifest: BackupManifest, signer: SigningKey): { bytes: Buffer; signature: Buffer } {
  const bytes = Buffer.from(canonicalJson(manifest), 'utf8');
  return { bytes, signature: signer.sign(bytes) };
}

/** Checks the signature over `bytes` first, then the shape: nothing unsigned is ever parsed into a manifest. */
export function openManifest(bytes: Buffer, signature: Buffer, publicKey: KeyObject, id: string): BackupManifest {
  if (!verifySignature(publicKey, bytes, signature))
    throw new BackupInvalidError('signature', `backup ${id}: the manifest signature is not valid for this key`);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new BackupInvalidError('manifest', `backup ${id}: the manifest is not JSON`);
  }
  if (!Value.Check(manifestSchema, value))
    throw new BackupInvalidError('manifest', `backup ${id}: the manifest does not have the bastion-backup/1 shape`);
  const manifest = sameShape(value);
  if (manifest.signer !== keyIdOf(publicKey) || manifest.id !== id)
    throw new BackupInvalidError('manifest', `backup ${id}: the manifest names another signer or backup`);
  return manifest;
}

export async function readAll(stream: Readable, limit = 16 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BackupInvalidError('manifest', `an object is larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function fetchObject(destination: BackupDestination, key: string, id: string): Promise<Buffer> {
  try {
    return await readAll(await destination.get(key));
  } catch (error) {
    if (error instanceof DestinationError && error.notFound)
      throw new BackupInvalidError(
        'missing-manifest',
        `backup ${id} has no ${key.split('/').at(-1)} at ${destination.name}`,
      );
    throw error;
  }
}

/** The manifest of backup `id` at `destination`, signature and signer checked; BackupInvalidError otherwise. */
export async function readManifest(
  destination: BackupDestination,
  id: string,
  publicKey: KeyObject,
): Promise<BackupManifest> {
  if (!BACKUP_ID.test(id)) throw new BackupInvalidError('manifest', `${JSON.stringify(id)} is not a backup id`);
  const bytes = await fetchObject(destination, manifestKey(id), id);
  const signature = await fetchObject(destination, signatureKey(id), id);
  return openManifest(bytes, signature, publicKey, id);
}
