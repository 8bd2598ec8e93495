// Opening a store from a --store value.
import { resolve } from 'node:path';
import { JournalStore, type JournalStoreOptions } from './journal-store.js';
import { MemoryStore } from './memory-store.js';
import type { MissionStore } from './types.js';

export type { MissionStore, MissionView, WritePlan } from './types.js';
export type { JournalStore, JournalStoreOptions } from './journal-store.js';

export function openMemoryStore(): MissionStore {
  return new MemoryStore();
}

export function openJsonFileStore(path: string, options: JournalStoreOptions = {}): JournalStore {
  return new JournalStore(resolve(path), options);
}

export class UnsupportedStoreError extends Error {}

/**
 * The store a --store value names. `MISSIONS_COMPACT_AT_BYTES` (a tuning knob, default 4 MiB) sets
 * how large the journal may grow, beyond the snapshot's own size, before it is folded in.
 */
export function openStore(location: string, env: NodeJS.ProcessEnv = process.env): MissionStore {
  if (location === ':memory:') return openMemoryStore();
  if (/^postgres(ql)?:\/\//.test(location)) {
    throw new UnsupportedStoreError('PostgreSQL stores are not available in this version; use a JSON file path for --store');
  }
  const compactAt = Number(env.MISSIONS_COMPACT_AT_BYTES);
  return openJsonFileStore(location, Number.isSafeInteger(compactAt) && compactAt >= 0 ? { compactAtBytes: compactAt } : {});
}
