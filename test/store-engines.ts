// The stores a parametrised suite runs on: the JSON file and PostgreSQL (a fresh database per store,
// on the one server the global setup started). Each open() gives a new, empty store.
import { join } from 'node:path';
import { openJsonFileStore, openStore } from '../src/store/index.js';
import type { MissionStore } from '../src/store/types.js';
import { tempDir } from './helpers.js';
import { freshDatabase } from './pg/db.js';

export interface Engine {
  name: 'file' | 'postgres';
  /** A new empty store, and a second handle on it (another "process"). */
  open(): Promise<{ store: MissionStore; location: string; another(): MissionStore }>;
}

const quiet = { log: () => undefined };

export const ENGINES: Engine[] = [
  {
    name: 'file',
    async open() {
      const { dir } = tempDir('missions-contract-');
      const location = join(dir, 'missions.json');
      return { store: openJsonFileStore(location, quiet), location, another: () => openJsonFileStore(location, quiet) };
    },
  },
  {
    name: 'postgres',
    async open() {
      const location = await freshDatabase('contract');
      return { store: openStore(location, quiet), location, another: () => openStore(location, quiet) };
    },
  },
];
