// Opening a store from a --store value.
import { Memory } from 'lowdb';
import { resolve } from 'node:path';
import { DocumentStore } from './document-store.js';
import type { StoreDocument } from './document.js';
import { DurableJsonFile } from './durable-json-file.js';
import { FileLock, ProcessMutex, type FileLockOptions } from './lock.js';
import type { MissionStore } from './types.js';

export type { MissionStore, MissionView, WritePlan } from './types.js';

export function openMemoryStore(): MissionStore {
  return new DocumentStore(new Memory<StoreDocument>(), new ProcessMutex(), ':memory:');
}

export function openJsonFileStore(path: string, lock: FileLockOptions = {}): MissionStore & { file: DurableJsonFile } {
  const absolute = resolve(path);
  const file = new DurableJsonFile(absolute);
  return Object.assign(new DocumentStore(file, new FileLock(absolute, lock), absolute), { file });
}

export class UnsupportedStoreError extends Error {}

export function openStore(location: string): MissionStore {
  if (location === ':memory:') return openMemoryStore();
  if (/^postgres(ql)?:\/\//.test(location)) {
    throw new UnsupportedStoreError('PostgreSQL stores are not available in this version; use a JSON file path for --store');
  }
  return openJsonFileStore(location);
}
