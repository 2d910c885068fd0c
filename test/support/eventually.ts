import { createServer, type AddressInfo } from 'node:net';

/**
 * Polls `probe` until `done` holds of its result (data that crosses a broker arrives when it arrives). The
 * pause between probes is the polling interval of a wait on a condition, not a fixed sleep: the wait ends as
 * soon as the condition holds, and only the deadline bounds it.
 */
export async function eventually<T>(probe: () => T | Promise<T>, done: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Polls `probe` until it gives something other than undefined, and returns that; fails naming `what` when
 * nothing comes within `ms` (for waits whose outcome is not asserted again afterwards).
 */
export async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  ms = 15_000,
): Promise<T> {
  const value = await eventually(probe, (v) => v !== undefined, ms);
  if (value === undefined) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
  return value;
}

/** A TCP port free right now, for a child process that must listen on the same port again after a restart. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
