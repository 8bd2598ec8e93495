// The pg driver, loaded when a PostgreSQL store first connects and not before: opening any store goes
// through src/store/index.ts, and a process whose store is a file (every stdio server, most of the
// time) should not pay for a driver it never uses (test/driver-loading.test.ts proves it does not).
// The module system keeps the one loaded copy; every other file of this folder imports pg's types only.
import type pg from 'pg';

export async function loadPg(): Promise<typeof pg> {
  return (await import('pg')).default;
}
