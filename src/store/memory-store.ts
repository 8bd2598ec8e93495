// The `:memory:` store: the same contract without files, for tests and throwaway sessions.
import { ProcessMutex } from './lock.js';
import { MissionIndex } from './mission-index.js';
import type { MissionStore, MissionView, WritePlan } from './types.js';

export class MemoryStore implements MissionStore {
  readonly location = ':memory:';
  private readonly index = new MissionIndex();
  private readonly mutex = new ProcessMutex();

  async read(): Promise<MissionView> {
    return this.index;
  }

  write<T>(plan: (view: MissionView) => WritePlan<T>): Promise<T> {
    return this.mutex.run(async () => {
      const p = plan(this.index);
      for (const id of p.remove ?? []) this.index.remove(id);
      for (const m of p.put ?? []) this.index.put(m);
      return p.result;
    });
  }

  async close(): Promise<void> {
    await this.mutex.run(async () => undefined);
  }
}
