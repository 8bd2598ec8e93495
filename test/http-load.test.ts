// 16 concurrent HTTP sessions (12 Streamable HTTP, 4 legacy SSE) × 100 creates against one server
// process and its one JSON file store: every acknowledged create is in the store afterwards.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ok, tempDir } from './helpers.js';
import { connectSse, connectStreamable, health, spawnHttp } from './http-helpers.js';
import { readOnDisk } from './on-disk.js';

describe('16 concurrent sessions × 100 creates on one store', () => {
  it('keeps all 1,600', async () => {
    const tmp = tempDir();
    const store = join(tmp.dir, 'missions.json');
    const server = await spawnHttp(['--store', store, '--output-mode', 'compact']);
    try {
      const sessions = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 4 === 3 ? connectSse(server.origin) : connectStreamable(server.origin))));
      expect((await health(server.origin)).sessions).toBe(16);
      const ids = await Promise.all(
        sessions.map(async (h, s) => {
          const mine: string[] = [];
          // each session keeps 4 creates in flight at a time
          for (let batch = 0; batch < 25; batch++) {
            const created = await Promise.all(
              Array.from({ length: 4 }, (_, k) => ok(h.client, 'createMission', { title: `s${s} c${batch * 4 + k}`, goal: 'concurrency' })),
            );
            mine.push(...created.map((c) => c.mission.id));
          }
          return mine;
        }),
      );
      const all = ids.flat();
      expect(new Set(all).size).toBe(1_600);
      const counter = sessions[0]!.client;
      const total = (await ok(counter, 'listMissions', { limit: 1 })).total;
      const onDisk = readOnDisk(store).missions.map((m) => m.id);
      console.log(`16 sessions × 100 creates: ${all.length} acknowledged, listMissions total ${total}, ${onDisk.length} in the store file`);
      expect(total).toBe(1_600);
      expect(new Set(onDisk)).toEqual(new Set(all));
      for (const h of sessions) await h.close();
    } finally {
      expect(await server.stop()).toBe(0);
      tmp.cleanup();
    }
  }, 120_000);
});
