import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort } from './eventually.js';

export interface OwnSftpServer {
  host: string;
  port: number;
  username: string;
  privateKeyFile: string;
  /** The server's host key as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
  /** A directory on the server, writable by `username`, for the destination's `path`. */
  root: string;
  /** sshd's log so far (`-e`: to stderr), to show in a failure or to look for an authentication. */
  log(): string;
  /** Kills sshd and every session it serves, as a crashed or rebooting host would. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same keys. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

const sshd = '/usr/sbin/sshd';

/** Debian's OpenSSH sshd on a free loopback port, with its own host key, client key and configuration. */
export async function startSftpServer(): Promise<OwnSftpServer> {
  if (!existsSync(sshd)) throw new Error(`${sshd} is missing: apt-get install openssh-server`);
  // sshd refuses to start without its privilege-separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'bastion-sftp-'));
  const root = join(dir, 'root');
  mkdirSync(root);
  const hostKey = keyPair(join(dir, 'host_key'));
  const privateKeyFile = keyPair(join(dir, 'client_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${privateKeyFile}.pub`));
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(config, sshdConfig(dir, port, hostKey));
  let child: ChildProcess | undefined;
  let log = '';
  const server: OwnSftpServer = {
    host: '127.0.0.1',
    port,
    username: userInfo().username,
    privateKeyFile,
    hostKeyFingerprint: fingerprint(hostKey),
    root,
    log: () => log,
    async start() {
      const started = spawn(sshd, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
      started.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
      child = started;
      const up = await eventually(() => greets(port), Boolean, 10_000);
      if (!up) throw new Error(`sshd did not start: ${log}`);
    },
    async stop() {
      const running = child;
      if (!running || running.exitCode !== null || running.pid === undefined) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      // Each session is a child process that would outlive the listener: end them too.
      for (const pid of descendants(running.pid)) killIfAlive(pid);
      running.kill('SIGTERM');
      await exited;
    },
    async destroy() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

function sshdConfig(dir: string, port: number, hostKey: string): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKey}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    // Tests may run as root: keys only, as a backup host should be anyway.
    'PermitRootLogin prohibit-password',
    // The temporary directory is not owned the way StrictModes demands.
    'StrictModes no',
    'UsePAM no',
    `PidFile ${join(dir, 'sshd.pid')}`,
    'Subsystem sftp internal-sftp',
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}

function keyPair(path: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bastion-test', '-f', path]);
  return path;
}

function fingerprint(key: string): string {
  const printed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${key}.pub`], { encoding: 'utf8' });
  const found = /SHA256:[A-Za-z0-9+/]{43}/.exec(printed);
  if (!found) throw new Error(`no fingerprint in: ${printed}`);
  return found[0];
}

/** True once the port answers with an SSH banner (a listening socket alone may not serve yet). */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('data', (data) => (socket.destroy(), resolve(data.toString().startsWith('SSH-'))));
    socket.once('error', () => resolve(false));
  });
}

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    // A session may end by itself between the listing and the kill.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function descendants(pid: number): number[] {
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => parentOf(Number(entry)) === pid)
    .map(Number);
  return children.flatMap((child) => [...descendants(child), child]);
}

function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ...", and comm may hold spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}
