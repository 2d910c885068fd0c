import { execFile } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './eventually.js';

const run = promisify(execFile);

/** A PostgreSQL cluster of the test's own, on a free loopback port: it may be stopped, unlike the shared one. */
export interface PgCluster {
  url: string;
  start(): Promise<void>;
  /** `pg_ctl stop -m fast`: the server ends every connection with 57P01, as a restart or failover does. */
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

/** Debian keeps the server binaries out of PATH; /usr/local/bin may link them. The newest version wins. */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'pg_ctl')));
  if (found === undefined)
    throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql');
  return found;
}

/** initdb and postgres refuse to run as root: as root, run them as the postgres user. */
async function asServerUser(program: string, args: string[]): Promise<void> {
  const root = userInfo().uid === 0;
  const [file, argv] = root ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
  await run(file, argv, { timeout: 60_000 });
}

async function serverUserIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** What a test may add to the cluster (TLS, authentication): the defaults keep the plain, trusting cluster. */
export interface PgClusterOptions {
  /** Lines appended to postgresql.conf (e.g. `ssl = on`). */
  conf?: string[];
  /** When given, the whole pg_hba.conf (e.g. `hostssl all all 127.0.0.1/32 trust`). */
  hba?: string[];
  /** Files written into the data directory, owned by the server user with mode 0600 (certificates, keys). */
  files?: Record<string, string>;
  /** listen_addresses (default 127.0.0.1). */
  listen?: string;
}

async function configure(data: string, options: PgClusterOptions): Promise<void> {
  const ids = userInfo().uid === 0 ? await serverUserIds() : undefined;
  const written = Object.entries(options.files ?? {}).map(([name, content]) => {
    writeFileSync(join(data, name), content, { mode: 0o600 });
    return join(data, name);
  });
  if (options.conf) appendFileSync(join(data, 'postgresql.conf'), `\n${options.conf.join('\n')}\n`);
  if (options.hba) {
    writeFileSync(join(data, 'pg_hba.conf'), `${options.hba.join('\n')}\n`);
    written.push(join(data, 'pg_hba.conf'));
  }
  if (ids) for (const path of written) chownSync(path, ids.uid, ids.gid);
}

export async function startPgCluster(options: PgClusterOptions = {}): Promise<PgCluster> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'bastion-pg-'));
  if (userInfo().uid === 0) {
    const { uid, gid } = await serverUserIds();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  await asServerUser(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  await configure(data, options);
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=${options.listen ?? '127.0.0.1'} -c fsync=off`;
  let running = false;
  const cluster: PgCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      await asServerUser(join(bin, 'pg_ctl'), [
        '-D',
        data,
        '-l',
        join(dir, 'server.log'),
        '-o',
        serverOptions,
        '-w',
        'start',
      ]);
      running = true;
    },
    async stop() {
      await asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      running = false;
    },
    async destroy() {
      if (running) await cluster.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}
