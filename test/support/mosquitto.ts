import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort } from './eventually.js';

/** A Mosquitto of a test's own, on a free loopback port, configured as docs/OPERATIONS.md prescribes. */
export interface OwnMosquitto {
  url: string;
  /** Stops it as an operator's `systemctl restart` would (SIGTERM: it saves its persistence file first). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Its log, to show in a failure. */
  log(): string;
  destroy(): Promise<void>;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** Starts `mosquitto` with persistence on, in a temporary directory; never the shared broker on 1883. */
export async function ownMosquitto(): Promise<OwnMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-mosquitto-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      // What OPERATIONS.md prescribes for Bastion's broker: sessions and their queues survive a restart,
      // and the queue of an absent instance is not cut at 1000 messages.
      'persistence true',
      `persistence_location ${dir}/`,
      'max_queued_messages 0',
      // Run as root (as tests may be), Mosquitto would switch to the `mosquitto` user, which cannot write here.
      'user root',
      `log_dest file ${join(dir, 'mosquitto.log')}`,
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  const broker: OwnMosquitto = {
    url: `mqtt://127.0.0.1:${port}`,
    async start() {
      child = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
      const up = await eventually(() => accepts(port), Boolean, 10_000);
      if (!up) throw new Error(`mosquitto did not start: ${broker.log()}`);
    },
    async stop() {
      const running = child;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGTERM');
      await exited;
    },
    log: () => {
      try {
        return readFileSync(join(dir, 'mosquitto.log'), 'utf8');
      } catch {
        return '(no log)';
      }
    },
    async destroy() {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await broker.start();
  return broker;
}
