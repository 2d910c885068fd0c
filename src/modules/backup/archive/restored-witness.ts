import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Witness, WitnessedCheckpoint } from '../../audit/index.js';
import type { BackupManifest } from './format.js';

type Copies = WitnessedCheckpoint[];

/** A read-only witness: checking a restore must never write a checkpoint anywhere. */
function readOnlyWitness(name: string, readAll: () => Copies): Witness {
  return {
    name,
    record: () => {
      throw new Error(`${name} is read-only`);
    },
    readAll,
  };
}

function checkpointFiles(dir: string): Copies {
  return readdirSync(dir)
    .filter((file) => /^checkpoint-\d{12}\.json$/.test(file))
    .sort()
    .map((file) => {
      const sig = join(dir, file.replace(/\.json$/, '.sig'));
      return {
        origin: `restored ${dir}/${file}`,
        body: readFileSync(join(dir, file), 'utf8'),
        signature: existsSync(sig) ? readFileSync(sig) : Buffer.alloc(0),
      };
    });
}

/** The restored `witness/` folder and each of its sub-folders (one per witness directory backed up). */
export function restoredWitnesses(into: string): Witness[] {
  const root = join(into, 'witness');
  if (!existsSync(root)) return [];
  const dirs = [
    root,
    ...readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(root, e.name)),
  ];
  return dirs
    .filter((dir) => checkpointFiles(dir).length > 0)
    .map((dir) => readOnlyWitness(`restored:${dir}`, () => checkpointFiles(dir)));
}

/** The checkpoint the manifest carries, as one more witness of the log. */
export function manifestWitness(manifest: BackupManifest): Witness[] {
  const checkpoint = manifest.audit.checkpoint;
  if (checkpoint === null) return [];
  const copy = {
    origin: `manifest ${manifest.id}`,
    body: checkpoint.body,
    signature: Buffer.from(checkpoint.signature, 'base64'),
  };
  return [readOnlyWitness(`manifest:${manifest.id}`, () => [copy])];
}
