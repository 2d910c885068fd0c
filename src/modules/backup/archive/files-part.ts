import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, normalize, relative, sep } from 'node:path';
import { Readable } from 'node:stream';

/** The `files` part: what a data directory holds beside its database, as `{ files: { <path>: <base64> } }`. */
export interface FilesPart {
  files: Record<string, string>;
}

export interface FilesSources {
  dataDir: string;
  witnessDirs: string[];
  /** publicConfig(config) as JSON: the configuration in force, secrets already left out. */
  configJson: string;
  /** The snapshot's log size: witness checkpoints written after the snapshot are left out (same instant). */
  treeSize: number;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !/\.tmp-\d+$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Several witness directories keep their own folder (`witness/<name>/`), so copies that disagree stay apart. */
function witnessFolder(dir: string, count: number): string {
  return count === 1 ? 'witness' : `witness/${basename(dir)}`;
}

/** A witness file of a checkpoint beyond the snapshot: the restored log could never reach it. */
function afterSnapshot(file: string, treeSize: number): boolean {
  const match = /checkpoint-(\d{12})\./.exec(basename(file));
  return match !== null && Number(match[1]) > treeSize;
}

export function collectFiles({ dataDir, witnessDirs, configJson, treeSize }: FilesSources): FilesPart {
  const files: Record<string, string> = {};
  const add = (name: string, file: string) => (files[name] = readFileSync(file).toString('base64'));
  for (const file of filesUnder(join(dataDir, 'keys'))) add(`keys/${relative(join(dataDir, 'keys'), file)}`, file);
  for (const dir of witnessDirs)
    for (const file of filesUnder(dir).filter((f) => !afterSnapshot(f, treeSize)))
      add(`${witnessFolder(dir, witnessDirs.length)}/${relative(dir, file)}`, file);
  const binding = join(dataDir, 'database.json');
  if (existsSync(binding)) add('database.json', binding);
  files['config.json'] = Buffer.from(configJson, 'utf8').toString('base64');
  return { files };
}

export function filesStream(part: FilesPart): Readable {
  return Readable.from([Buffer.from(JSON.stringify(part), 'utf8')]);
}

/** Parses the decrypted part defensively: an entry must be a relative path inside the target and base64 text. */
export function parseFilesPart(text: string): FilesPart {
  const value = JSON.parse(text) as { files?: unknown };
  if (typeof value !== 'object' || value === null || typeof value.files !== 'object' || value.files === null)
    throw new Error('the files part is not an object of files');
  for (const [name, content] of Object.entries(value.files)) {
    const clean = normalize(name);
    if (clean.startsWith('..') || clean.startsWith(sep) || clean !== name || typeof content !== 'string')
      throw new Error(`the files part holds an unsafe entry: ${JSON.stringify(name)}`);
  }
  return value as FilesPart;
}

/**
 * Writes the files into `into`; config.json becomes restored-config.json (the operator decides what to keep).
 * `skip` names files left out: a PostgreSQL restore into another database skips database.json, which names the
 * old one; the directory binds itself to the new database at its first open (app/data-dir.ts).
 */
export function writeFiles(part: FilesPart, into: string, skip: string[] = []): void {
  for (const [name, content] of Object.entries(part.files)) {
    if (skip.includes(name)) continue;
    const target = join(into, name === 'config.json' ? 'restored-config.json' : name);
    const secret = name.startsWith('keys/') && !name.endsWith('.pub');
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    writeFileSync(target, Buffer.from(content, 'base64'), { mode: secret ? 0o600 : 0o644 });
  }
}
