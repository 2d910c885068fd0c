import pg from 'pg';
import { pgClientConfig } from '../../../storage/postgres-tls.js';
import type { Readable } from 'node:stream';
import type { SnapshotState } from './format.js';
import { exitOf, onConnection, POSTGRES, runTool } from './postgres-tools.js';
import { snapshotState } from './state.js';

/**
 * One exported snapshot for everything: the counts and audit head are read inside the REPEATABLE READ
 * transaction that exported it, and pg_dump reads that same snapshot, so all describe one instant while
 * writers go on. `dump` gets pg_dump's stdout; the transaction ends only after pg_dump has finished.
 */
export async function withPostgresSnapshot<T>(
  databaseUrl: string,
  dump: (state: SnapshotState, stdout: Readable) => Promise<T>,
): Promise<T> {
  const client = new pg.Client(pgClientConfig(databaseUrl));
  client.on('error', () => undefined); // a lost connection fails the query in progress instead
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const { rows } = await client.query<{ id: string }>('select pg_export_snapshot() as id');
    const state = await snapshotState({ db: onConnection(client), ...POSTGRES });
    const args = ['-Fc', `--snapshot=${rows[0]!.id}`, '--no-owner', '--no-privileges'];
    const child = runTool('pg_dump', args, databaseUrl);
    const exited = exitOf(child, 'pg_dump');
    const dumped = dump(state, child.stdout).catch((error: unknown) => {
      child.kill();
      throw error;
    });
    const [result] = await Promise.all([dumped, exited]);
    await client.query('commit');
    return result;
  } finally {
    await client.end();
  }
}
