// The stores a parametrised suite runs on: in memory (`--store :memory:`), the JSON file and
// PostgreSQL (a fresh database per store, on the one server the global setup started). Each open()
// gives a new, empty store.
import { join } from 'node:path';
import { openJsonFileStore, openMemoryStore, openStore } from '../src/store/index.js';
import type { MissionStore } from '../src/store/types.js';
import { tempDir } from './helpers.js';
import { freshDatabase } from './pg/db.js';

export interface Engine {
  name: 'memory' | 'file' | 'postgres';
  /** Whether other processes can open the store by its location (the memory store lives in one process only). */
  sharedByProcesses: boolean;
  /** A new empty store, and a second handle on it (another "process"; for the memory store, the same store again). */
  open(): Promise<{ store: MissionStore; location: string; another(): MissionStore }>;
}

const quiet = { log: () => undefined };

export const ENGINES: Engine[] = [
  {
    name: 'memory',
    sharedByProcesses: false,
    async open() {
      const store = openMemoryStore();
      return { store, location: store.location, another: () => store };
    },
  },
  {
    name: 'file',
    sharedByProcesses: true,
    async open() {
      const { dir } = tempDir('missions-contract-');
      const location = join(dir, 'missions.json');
      return { store: openJsonFileStore(location, quiet), location, another: () => openJsonFileStore(location, quiet) };
    },
  },
  {
    name: 'postgres',
    sharedByProcesses: true,
    async open() {
      const location = await freshDatabase('contract');
      return { store: openStore(location, quiet), location, another: () => openStore(location, quiet) };
    },
  },
];

/** The engines whose store several processes share (runner processes, crash tests). */
export const SHARED_ENGINES = ENGINES.filter((e) => e.sharedByProcesses);
