import type { Readable } from 'node:stream';
import type { BastionConfig } from '../../kernel/config/schema.js';
import type { Witness, WitnessedCheckpoint } from '../audit/index.js';
import type { BackupDestination } from './destinations/destination.js';

export const WITNESS_PREFIX = 'witness/';
const NAME = /^witness\/checkpoint-(\d{12})\.(json|sig)$/;

export const witnessKey = (treeSize: number, ext: 'json' | 'sig') =>
  `${WITNESS_PREFIX}checkpoint-${String(treeSize).padStart(12, '0')}.${ext}`;

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/**
 * Every audit checkpoint, also kept at an off-host backup destination (S3, SFTP): the same two files a local
 * witness directory holds, so a truncation with every local witness file removed is still found. The host
 * can add checkpoints there but, with object lock, not remove them.
 */
export class DestinationWitness implements Witness {
  readonly name: string;
  readonly remote = true;

  constructor(private readonly destination: BackupDestination) {
    this.name = `witness:${destination.kind}:${destination.name}`;
  }

  async record(checkpoint: { treeSize: number; body: string; signature: Buffer }): Promise<void> {
    // The signature first: a reader that finds the body finds its signature too.
    await this.destination.put(witnessKey(checkpoint.treeSize, 'sig'), checkpoint.signature);
    await this.destination.put(witnessKey(checkpoint.treeSize, 'json'), Buffer.from(checkpoint.body, 'utf8'));
  }

  async heldSizes(): Promise<number[]> {
    const objects = await this.destination.list(WITNESS_PREFIX);
    const parts = new Map<number, Set<string>>();
    for (const { key } of objects) {
      const match = NAME.exec(key);
      if (!match) continue;
      const size = Number(match[1]);
      parts.set(size, (parts.get(size) ?? new Set()).add(match[2]!));
    }
    return [...parts]
      .filter(([, kinds]) => kinds.size === 2)
      .map(([size]) => size)
      .sort((a, b) => a - b);
  }

  /** Only the newest checkpoint: it covers the most records, and a truncation shows against it. */
  async readAll(): Promise<WitnessedCheckpoint[]> {
    const newest = (await this.heldSizes()).at(-1);
    if (newest === undefined) return [];
    const [body, signature] = await Promise.all([
      this.destination.get(witnessKey(newest, 'json')).then(bytesOf),
      this.destination.get(witnessKey(newest, 'sig')).then(bytesOf),
    ]);
    return [{ origin: `${this.name}/${witnessKey(newest, 'json')}`, body: body.toString('utf8'), signature }];
  }
}

/** The remote witnesses a configuration names: every s3 and sftp destination, unless turned off. */
export function remoteWitnesses(config: BastionConfig, destinations: BackupDestination[]): Witness[] {
  if (!config.backup.remoteWitness) return [];
  return destinations.filter((d) => d.kind !== 'directory').map((d) => new DestinationWitness(d));
}
