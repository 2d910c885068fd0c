import SqliteDatabase from 'better-sqlite3';
import { join } from 'node:path';
import pg from 'pg';

export interface RawRecord {
  seq: number;
  body: string;
  hash: Buffer;
}

/**
 * Direct access to the database behind Bastion's back, as an attacker with database rights would have:
 * the raw SQLite file with its triggers dropped, or a PostgreSQL superuser session with triggers disabled.
 */
export interface RawAccess {
  records(): Promise<RawRecord[]>;
  /** Rewrites the whole records table (delete all, insert these). */
  replaceRecords(rows: RawRecord[]): Promise<void>;
  deleteCheckpointsAbove(treeSize: number): Promise<void>;
  setCheckpointBody(treeSize: number, body: string): Promise<void>;
  close(): Promise<void>;
}

type Exec = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

function operations(exec: Exec, close: () => Promise<void>): RawAccess {
  return {
    async records() {
      const rows = await exec('select seq, body, hash from audit_records order by seq');
      return rows.map((row) => ({
        seq: Number(row.seq),
        body: String(row.body),
        hash: Buffer.from(row.hash as Buffer),
      }));
    },
    async replaceRecords(rows) {
      await exec('delete from audit_records');
      for (const row of rows)
        await exec('insert into audit_records (seq, body, hash) values (?, ?, ?)', [row.seq, row.body, row.hash]);
    },
    async deleteCheckpointsAbove(treeSize) {
      await exec('delete from audit_checkpoints where tree_size > ?', [treeSize]);
    },
    async setCheckpointBody(treeSize, body) {
      await exec('update audit_checkpoints set body = ? where tree_size = ?', [body, treeSize]);
    },
    close,
  };
}

export async function rawAccess(env: Record<string, string>, dataDir: string): Promise<RawAccess> {
  const url = env.BASTION_DATABASE_URL;
  if (url === undefined || url === '') {
    const db = new SqliteDatabase(join(dataDir, 'bastion.db'));
    for (const { name } of db.prepare("select name from sqlite_master where type = 'trigger'").all() as {
      name: string;
    }[]) {
      db.exec(`drop trigger "${name}"`);
    }
    // better-sqlite3 is synchronous: the executor runs it at once and turns a throw into a rejection, as pg's would be.
    const exec: Exec = (text, params = []) =>
      new Promise((resolve) => {
        const statement = db.prepare(text);
        resolve(
          statement.reader ? (statement.all(...params) as Record<string, unknown>[]) : (statement.run(...params), []),
        );
      });
    return operations(
      exec,
      () =>
        new Promise<void>((resolve) => {
          db.close();
          resolve();
        }),
    );
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('set session_replication_role = replica');
  const exec: Exec = async (text, params = []) => {
    let n = 0;
    return (
      await client.query(
        text.replace(/\?/g, () => `$${++n}`),
        params,
      )
    ).rows as Record<string, unknown>[];
  };
  return operations(exec, () => client.end());
}

/** Runs one statement through an ordinary connection, with the triggers in force. */
export async function plainExec(env: Record<string, string>, dataDir: string, text: string): Promise<void> {
  const url = env.BASTION_DATABASE_URL;
  if (url === undefined || url === '') {
    const db = new SqliteDatabase(join(dataDir, 'bastion.db'));
    try {
      db.exec(text);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
