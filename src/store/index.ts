// Opening a store from a --store value.
import { realStorePath } from './paths.js';
import { JournalStore, type JournalStoreOptions } from './journal-store.js';
import { MemoryStore } from './memory-store.js';
import { isPostgresUrl, openPostgresStore } from './postgres/open.js';
import type { MissionStore } from './types.js';

export type { MissionStore, WritePlan, StoreQueries, WriteView } from './types.js';
export type { JournalStore, JournalStoreOptions } from './journal-store.js';

export function openMemoryStore(): MemoryStore {
  return new MemoryStore();
}

export function openJsonFileStore(path: string, options: JournalStoreOptions = {}): JournalStore {
  return new JournalStore(realStorePath(path), options);
}

/** The store a --store value names. */
export function openStore(location: string, options: JournalStoreOptions = {}): MissionStore {
  if (location === ':memory:') return openMemoryStore();
  if (isPostgresUrl(location)) return openPostgresStore(location, options.log ? { log: options.log } : {});
  return openJsonFileStore(location, options);
}
