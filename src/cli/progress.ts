import { SingleBar, Presets } from 'cli-progress';
import type { CliIo } from './io.js';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/** A bar on a terminal; on a pipe or in CI, one line of counts every `every` records (and at the end) instead. */
export function progressFor(io: CliIo, label: string, every = 100_000, unit = 'records'): Progress {
  if (io.stderr.isTTY) {
    const bar = new SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit}`,
        stream: io.stderr as NodeJS.WritableStream,
      },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total) {
        if (!started) bar.start(total, 0);
        started = true;
        bar.update(done);
      },
      stop: () => started && bar.stop(),
    };
  }
  let lastPrinted = 0;
  return {
    update(done, total) {
      if (done - lastPrinted < every && done !== total) return;
      lastPrinted = done;
      io.stderr.write(`${label}: ${done}/${total} ${unit}\n`);
    },
    stop: () => undefined,
  };
}
