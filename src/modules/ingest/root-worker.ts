import { Worker } from 'node:worker_threads';
import { batchRoot, canonicalRow, type ValueRow } from './batch-root.js';

/**
 * The batch root computed on a worker thread, while the main thread inserts the same rows: hashing (two
 * SHA-256 per row) was half the cost of a commit. The worker gets the rows' canonical JSON joined by "\n"
 * (JSON.stringify escapes control characters, so the split is exact) and hashes exactly as batchRoot does.
 * Its code is a plain script of Node built-ins, so it runs the same under tsx, Vitest and the build;
 * root-worker.test.ts checks it against batchRoot. Any trouble with the worker falls back to batchRoot.
 */
const SOURCE = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
// crypto.hash (one-shot) since Node 20.12; createHash before.
const hash = crypto.hash ?? ((algorithm, data, encoding) => crypto.createHash(algorithm).update(data).digest(encoding));
const NODE = Buffer.alloc(65, 1);
// Digests travel as 32-character latin1 ("binary") strings, which round-trip every byte: a Buffer per digest
// was an ArrayBuffer with its own backing store outside the heap, two per row, freed only by the collector.
function root(text) {
  let level = text.split('\\n').map((row) => hash('sha256', '\\u0000' + row, 'binary'));
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      NODE.write(level[i], 1, 'latin1');
      NODE.write(level[i + 1], 33, 'latin1');
      next.push(hash('sha256', NODE, 'binary'));
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return Buffer.from(level[0], 'latin1');
}
parentPort.on('message', ({ id, text }) => parentPort.postMessage({ id, root: root(text) }));
`;

/** Below this many rows the round trip to the worker costs more than it saves. */
const MIN_ROWS = 256;

type Pending = { resolve: (root: Buffer) => void; reject: (error: Error) => void };

/** One worker and the requests it owes answers to; a failed worker fails only its own requests. */
class Hasher {
  readonly worker = new Worker(SOURCE, { eval: true });
  readonly pending = new Map<number, Pending>();
  failed = false;

  constructor() {
    this.worker.on('message', ({ id, root }: { id: number; root: Uint8Array }) => {
      this.pending.get(id)?.resolve(Buffer.from(root.buffer, root.byteOffset, root.byteLength));
      this.pending.delete(id);
      if (this.pending.size === 0) this.worker.unref(); // idle, it must not keep a finished process alive
    });
    // A worker may throw any value, not only an Error (@types/node 24 types it `any`).
    this.worker.on('error', (error: unknown) =>
      this.fail(error instanceof Error ? error : new Error(`batch root worker threw ${String(error)}`)),
    );
    this.worker.on('exit', () => this.fail(new Error('batch root worker exited')));
  }

  private fail(error: Error): void {
    this.failed = true;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}

let hasher: Hasher | undefined;
let nextId = 0;

/** The root computed by the worker, with no fallback (exported for the test that compares it). */
export function rootInWorker(rows: readonly ValueRow[]): Promise<Buffer> {
  if (rows.length === 0) return Promise.resolve(batchRoot(rows)); // "".split() would make one empty leaf
  const text = rows.map(canonicalRow).join('\n');
  return new Promise<Buffer>((resolve, reject) => {
    if (!hasher || hasher.failed) hasher = new Hasher(); // a failed worker is replaced for the next batch
    const id = nextId++;
    hasher.pending.set(id, { resolve, reject });
    hasher.worker.ref(); // busy: the answer is awaited, so the process must wait for it
    hasher.worker.postMessage({ id, text });
  });
}

/** The batch's root, as batchRoot computes it, without holding the main thread for the hashing. */
export function batchRootOffThread(rows: readonly ValueRow[]): Promise<Buffer> {
  if (rows.length < MIN_ROWS) return Promise.resolve(batchRoot(rows));
  return rootInWorker(rows).catch(() => batchRoot(rows));
}
