// Opening a PostgreSQL store from a --store value; the connection string is only ever shown masked.
import { PostgresStore, type PostgresStoreOptions } from './store.js';
import { describeTarget } from './target.js';

export { isPostgresUrl } from './target.js';

export function openPostgresStore(url: string, options: PostgresStoreOptions = {}): PostgresStore {
  return new PostgresStore(url, describeTarget(url), options);
}

export { maskUrl } from './target.js';
