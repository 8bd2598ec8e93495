// A database of its own for each test file, on the one server the global setup started.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** Creates an empty database and returns its connection string (with the password). */
export async function freshDatabase(prefix = 't'): Promise<string> {
  const problem = inject('pgProblem');
  if (problem) throw new Error(problem); // the server did not start (test/pg/global-setup.ts)
  const admin = inject('pgUrl');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`.toLowerCase();
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return admin.replace(/\/postgres$/, `/${name}`);
}

/** Runs SQL as the server's superuser on `url` (tests that look under the store). */
export async function sql<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}
