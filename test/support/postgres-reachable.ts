import pg from 'pg';
import type { TestProject } from 'vitest/node';

/** Vitest global setup of the postgres project: fails the run once, with the fix, when the server is down. */
export default async function postgresReachable(project: TestProject): Promise<void> {
  const url = project.config.env.BASTION_TEST_DATABASE_URL;
  if (url === undefined || url === '')
    throw new Error('the postgres project runs only with BASTION_TEST_DATABASE_URL set');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    // Host, port and database only: the URL may carry a password.
    const { hostname, port, pathname } = new URL(url);
    throw new Error(
      `BASTION_TEST_DATABASE_URL is set but PostgreSQL at ${hostname}:${port || 5432}${pathname} cannot be reached ` +
        `(${(error as Error).message}): start it, or unset the variable to run the suite on SQLite only`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
