// The `:memory:` store: the same contract without files, for tests and throwaway sessions.
import { ProcessMutex } from './lock/process-mutex.js';
import type { RunRecord } from '../run/model.js';
import { MissionIndex } from './mission-index.js';
import { indexQueries, writeViewOf } from './index-queries.js';
import type { MissionStore, Plan, StoreQueries } from './types.js';

export interface MemoryStore extends StoreQueries {}

export class MemoryStore implements MissionStore {
  readonly location = ':memory:';
  private readonly index = new MissionIndex();
  private readonly mutex = new ProcessMutex();
  private readonly outputs = new Map<string, string>();

  constructor() {
    Object.assign(this, indexQueries(async () => this.index));
  }

  /** The index itself (tests). */
  async read(): Promise<MissionIndex> {
    return this.index;
  }

  write<T>(plan: Plan<T>): Promise<T> {
    return this.mutex.run(async () => {
      const p = await plan(writeViewOf(this.index));
      this.index.apply(p);
      for (const [id, text] of Object.entries(p.outputs ?? {})) this.outputs.set(id, text);
      for (const id of p.removeRuns ?? []) this.outputs.delete(id);
      return p.result;
    });
  }

  async readRunOutput(run: RunRecord): Promise<string> {
    return this.outputs.get(run.id) ?? '';
  }

  async close(): Promise<void> {
    await this.mutex.run(async () => undefined);
  }
}
