import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { BastionConfig } from '../../kernel/config/schema.js';
import type { SignedCheckpoint } from './checkpoint.js';

/** A copy of a checkpoint kept outside the database, as `origin` names it. */
export interface WitnessedCheckpoint {
  origin: string;
  body: string;
  signature: Buffer;
}

/**
 * Somewhere outside the database that keeps every checkpoint. One write method, one read method. A local
 * directory answers at once; a remote witness (an object store, an SFTP server: src/modules/backup) answers
 * later and may be unreachable, so both methods may return promises.
 */
export interface Witness {
  readonly name: string;
  /** The local directory it writes to, if any: lets start-up tell whether it shares the database's disk. */
  readonly directory?: string;
  /** Remote: writes are not awaited by the command that caused the checkpoint, and may be slow or fail. */
  readonly remote?: boolean;
  record(checkpoint: SignedCheckpoint): void | Promise<void>;
  /**
   * The checkpoints it holds. A remote witness returns only its newest one (downloading thousands to verify
   * is pointless: the newest covers the most records) and lists the tree sizes it holds in `heldSizes`.
   */
  readAll(): WitnessedCheckpoint[] | Promise<WitnessedCheckpoint[]>;
  /** The tree sizes held, when that is cheaper to learn than the checkpoints themselves (a listing). */
  heldSizes?(): Promise<number[]>;
}

const fileStem = (treeSize: number) => `checkpoint-${String(treeSize).padStart(12, '0')}`;

/**
 * Writes each checkpoint as two files: `checkpoint-<size>.json` holds the exact signed bytes and
 * `checkpoint-<size>.sig` the raw 64-byte Ed25519 signature, so openssl can check them as they are.
 */
export class DirectoryWitness implements Witness {
  readonly name: string;
  readonly directory: string;

  constructor(private readonly dir: string) {
    this.name = `witness:${dir}`;
    this.directory = dir;
  }

  /**
   * Both files are written and flushed at once (two flushes one after the other cost the command that crossed
   * the checkpoint twice the disk's flush time), then renamed into place signature first: a `.json` is never
   * visible without its `.sig`, as when they were written one after the other.
   */
  async record(checkpoint: SignedCheckpoint): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const stem = join(this.dir, fileStem(checkpoint.treeSize));
    const [signature, body] = await Promise.all([
      writeTemporary(`${stem}.sig`, checkpoint.signature),
      writeTemporary(`${stem}.json`, Buffer.from(checkpoint.body, 'utf8')),
    ]);
    await rename(signature, `${stem}.sig`);
    await rename(body, `${stem}.json`);
  }

  readAll(): WitnessedCheckpoint[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    return names
      .filter((name) => /^checkpoint-\d{12}\.json$/.test(name))
      .sort()
      .map((name) => {
        const stem = join(this.dir, name.slice(0, -'.json'.length));
        return {
          origin: `${this.name}/${name}`,
          body: readFileSync(`${stem}.json`, 'utf8'),
          signature: readOrEmpty(`${stem}.sig`),
        };
      });
  }
}

function readOrEmpty(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    return Buffer.alloc(0);
  }
}

/** Written to a temporary file beside `file` and flushed to disk; the caller renames it into place. */
async function writeTemporary(file: string, data: Buffer): Promise<string> {
  const temporary = `${file}.tmp-${process.pid}`;
  const handle = await open(temporary, 'w', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temporary;
}

/** The witnesses a configuration names; without any, one directory beside the database in the data directory. */
export function witnessesFor(config: BastionConfig): Witness[] {
  const dirs = config.audit.witnessDirs.length > 0 ? config.audit.witnessDirs : [join(config.dataDir, 'witness')];
  return dirs.map((dir) => new DirectoryWitness(dir));
}
