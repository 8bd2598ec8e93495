// `missions-mcp migrate --from FILE --to postgres://…`: copies a JSON store (missions, runs and their
// output) into an empty store of any kind, in batches. The file is only read. The target must be
// empty, so a copy is never mixed into another store's missions; a copy cut short says how to retry.
import type { JournalStore } from './journal-store.js';
import type { MissionStore } from './types.js';

const BATCH = 500;

export class MigrateRefused extends Error {}

export interface Migrated {
  missions: number;
  runs: number;
}

export async function copyStore(from: JournalStore, to: MissionStore, progress: (line: string) => void = () => undefined): Promise<Migrated> {
  const index = await from.read();
  const target = await to.counts();
  if (target.missions > 0 || target.runs > 0) {
    throw new MigrateRefused(`${to.location} is not empty (${target.missions} missions, ${target.runs} runs); migrate copies into an empty store only. Use a new database, or drop its tables first.`);
  }
  const missions = [...index.all()];
  for (let i = 0; i < missions.length; i += BATCH) {
    const batch = missions.slice(i, i + BATCH);
    await to.write(() => ({ put: batch, result: null }));
    progress(`missions ${Math.min(i + BATCH, missions.length)}/${missions.length}`);
  }
  const runs = index.runs.all();
  for (let i = 0; i < runs.length; i += BATCH) {
    const batch = runs.slice(i, i + BATCH);
    const outputs: Record<string, string> = {};
    for (const r of batch) {
      const text = await from.readRunOutput(r);
      if (text) outputs[r.id] = text;
    }
    await to.write(() => ({ runs: batch, outputs, result: null }));
    progress(`runs ${Math.min(i + BATCH, runs.length)}/${runs.length}`);
  }
  return { missions: missions.length, runs: runs.length };
}
