import { Worker } from 'node:worker_threads';
import { batchRoot, type ValueRow } from './batch-root.js';

/**
 * The batch root computed on a worker thread, while the main thread inserts the same rows: hashing (two
 * SHA-256 per row) was half the cost of a commit. The rows travel as columns (columns() below): each row's
 * (device, metric) as an index into the batch's distinct pairs, already in canonical JSON, then ts, num and
 * which of num and text are null as typed arrays, and the texts alone. Building each row's canonical JSON on
 * the main thread (one JSON.stringify per row, then one joined text) cost about as much main-thread time as
 * the hashing it moved away. The worker writes the same JSON.stringify([deviceId, metric, ts, num, text])
 * (a finite number prints the same in JSON and in a string, -0 as "0" in both) and hashes exactly as
 * batchRoot does. Its code is a plain script of Node built-ins, so it runs the same under tsx, Vitest and
 * the build; root-worker.test.ts checks it against batchRoot. Any trouble with the worker falls back to
 * batchRoot.
 */
const SOURCE = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
// crypto.hash (one-shot) since Node 20.12; createHash before.
const hash = crypto.hash ?? ((algorithm, data, encoding) => crypto.createHash(algorithm).update(data).digest(encoding));
const NODE = Buffer.alloc(65, 1);
// Digests travel as 32-character latin1 ("binary") strings, which round-trip every byte: a Buffer per digest
// was an ArrayBuffer with its own backing store outside the heap, two per row, freed only by the collector.
function root({ pairs, pair, ts, num, flags, texts }) {
  let level = new Array(pair.length);
  for (let i = 0, t = 0; i < pair.length; i++) {
    const f = flags[i];
    const row = pairs[pair[i]] + ts[i] + ',' + ((f & 1) !== 0 ? num[i] : 'null') + ',' +
      ((f & 2) !== 0 ? JSON.stringify(texts[t++]) : 'null') + ']';
    level[i] = hash('sha256', '\\u0000' + row, 'binary');
  }
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
parentPort.on('message', ({ id, rows }) => parentPort.postMessage({ id, root: root(rows) }));
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

/** A batch's rows as the worker takes them (see the comment at the top). */
interface Columns {
  /** Each distinct (deviceId, metric) as the start of its canonical row: `["<deviceId>","<metric>",`. */
  pairs: string[];
  pair: Int32Array<ArrayBuffer>;
  ts: Float64Array<ArrayBuffer>;
  num: Float64Array<ArrayBuffer>;
  /** Per row: 1 when num is not null, 2 when text is not null. */
  flags: Uint8Array<ArrayBuffer>;
  /** The non-null texts, in row order. */
  texts: string[];
}

/** The rows as columns, with one Map lookup per row (rows of one device come in runs) and no string built. */
function columns(rows: readonly ValueRow[]): Columns {
  const n = rows.length;
  const out: Columns = {
    pairs: [],
    pair: new Int32Array(n),
    ts: new Float64Array(n),
    num: new Float64Array(n),
    flags: new Uint8Array(n),
    texts: [],
  };
  const byDevice = new Map<string, Map<string, number>>();
  let lastDevice: string | undefined;
  let metrics: Map<string, number> | undefined;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (r.deviceId !== lastDevice || !metrics) {
      lastDevice = r.deviceId;
      metrics = byDevice.get(r.deviceId);
      if (!metrics) byDevice.set(r.deviceId, (metrics = new Map<string, number>()));
    }
    let at = metrics.get(r.metric);
    if (at === undefined) {
      at = out.pairs.push(JSON.stringify([r.deviceId, r.metric]).slice(0, -1) + ',') - 1;
      metrics.set(r.metric, at);
    }
    out.pair[i] = at;
    out.ts[i] = r.ts;
    let flags = 0;
    // JSON writes a non-finite number as null (decoding refuses them, but the batch schema would let one by).
    if (r.num !== null && Number.isFinite(r.num)) {
      out.num[i] = r.num;
      flags = 1;
    }
    if (r.text !== null) {
      out.texts.push(r.text);
      flags |= 2;
    }
    out.flags[i] = flags;
  }
  return out;
}

/** The root computed by the worker, with no fallback (exported for the test that compares it). */
export function rootInWorker(rows: readonly ValueRow[]): Promise<Buffer> {
  if (rows.length === 0) return Promise.resolve(batchRoot(rows)); // an empty tree has its own fixed root
  const data = columns(rows);
  return new Promise<Buffer>((resolve, reject) => {
    if (!hasher || hasher.failed) hasher = new Hasher(); // a failed worker is replaced for the next batch
    const id = nextId++;
    hasher.pending.set(id, { resolve, reject });
    hasher.worker.ref(); // busy: the answer is awaited, so the process must wait for it
    // The typed arrays are handed over, not copied: nothing here reads them again.
    const moved = [data.pair.buffer, data.ts.buffer, data.num.buffer, data.flags.buffer];
    hasher.worker.postMessage({ id, rows: data }, moved);
  });
}

/** The batch's root, as batchRoot computes it, without holding the main thread for the hashing. */
export function batchRootOffThread(rows: readonly ValueRow[]): Promise<Buffer> {
  if (rows.length < MIN_ROWS) return Promise.resolve(batchRoot(rows));
  return rootInWorker(rows).catch(() => batchRoot(rows));
}
