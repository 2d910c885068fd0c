import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const MB = 1024 * 1024;

/** This process's resident memory from /proc (Linux): private (anonymous) and file-backed pages, in MB. */
function residentMb(): { anon: number; file: number } | undefined {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
    return { anon: kb('RssAnon') / 1024, file: kb('RssFile') / 1024 };
  } catch {
    return undefined;
  }
}

export interface PeakRss {
  /** The RSS when the phase started (code, runtime, caches already filled), in MB. */
  startMb: number;
  peakMb: number;
  /** At the peak: private memory and file-backed pages (SQLite maps the database file into memory). */
  anonMb?: number;
  fileMb?: number;
  /** At the peak, from process.memoryUsage(): V8's heap (reserved and used) and memory outside it. */
  heapTotalMb?: number;
  /** Of the heap, the young generation (new space), which V8 grows with the allocation rate. */
  newSpaceMb?: number;
  heapUsedMb?: number;
  externalMb?: number;
  arrayBuffersMb?: number;
}

/**
 * Samples the RSS every 20 ms while a phase runs and keeps its peak, so a phase's own peak can be told
 * apart from the process's lifetime one, and says what the peak was made of.
 */
export async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; rss: PeakRss }> {
  const rss: PeakRss = { startMb: process.memoryUsage.rss() / MB, peakMb: 0 };
  const sample = () => {
    const now = process.memoryUsage.rss() / MB;
    if (now <= rss.peakMb) return;
    const split = residentMb();
    const usage = process.memoryUsage();
    Object.assign(rss, {
      peakMb: now,
      anonMb: split?.anon,
      fileMb: split?.file,
      heapTotalMb: usage.heapTotal / MB,
      heapUsedMb: usage.heapUsed / MB,
      newSpaceMb: (getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? NaN) / MB,
      externalMb: usage.external / MB,
      arrayBuffersMb: usage.arrayBuffers / MB,
    });
  };
  sample();
  const timer = setInterval(sample, 20);
  try {
    const value = await work();
    sample();
    return { value, rss };
  } finally {
    clearInterval(timer);
  }
}
