import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';

const require = createRequire(import.meta.url);

/**
 * Grows the SQLite database to about `megabytes` with telemetry-like rows (a table of the bench's own; the
 * backup takes every table).
 */
export function fillDatabase(file: string, megabytes: number): { bytes: number; rows: number; ms: number } {
  const Database = require('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Database(file);
  const started = performance.now();
  db.pragma('journal_mode = WAL');
  db.exec('create table if not exists bench_telemetry (id integer primary key, device text, at integer, sample text)');
  const insert = db.prepare('insert into bench_telemetry (device, at, sample) values (?, ?, ?)');
  const target = megabytes * 1024 * 1024;
  let rows = 0;
  const batch = db.transaction((count: number) => {
    for (let i = 0; i < count; i++) {
      // Measured values carry their full precision and every sample a random trace id: about 3x compressible,
      // as machine data with repeating field names is, neither a wall of zeros nor pure noise.
      const values = Array.from({ length: 12 }, (_, k) => `"v${k}":${(Math.random() * 1000).toFixed(6)}`).join(',');
      const trace = randomBytes(12).toString('hex');
      const sample = `{"line":"rim-${rows % 7}","state":"${Math.random() > 0.1 ? 'running' : 'idle'}",${values},"trace":"${trace}"}`;
      insert.run(`press-${rows % 40}`, 1_780_000_000_000 + rows * 250, sample);
      rows++;
    }
  });
  while (statSync(file).size + walSize(file) < target) batch(20_000);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { bytes: statSync(file).size, rows, ms: performance.now() - started };
}

function walSize(file: string): number {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}
