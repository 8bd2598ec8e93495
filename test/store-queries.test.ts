// The store's questions are its own (src/mission/query.ts MissionQuery, src/run/query.ts RunQuery):
// the tools' inputs without `mode`, which says only how a tool renders its answer. So a page asked in
// one mode continues in the other, and a store is never asked about rendering (the type check of
// `npm run typecheck` holds the second half: it fails if a store query takes `mode` again).
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { MissionQuery } from '../src/mission/query.js';
import type { RunQuery } from '../src/run/query.js';
import type { StoreQueries } from '../src/store/types.js';
import { connectInMemory, ok } from './helpers.js';

describe('store queries', () => {
  it('take no mode: a store is asked what to find, never how to render it', () => {
    expectTypeOf<MissionQuery>().not.toHaveProperty('mode');
    expectTypeOf<RunQuery>().not.toHaveProperty('mode');
    expectTypeOf<Parameters<StoreQueries['list']>[0]>().toEqualTypeOf<MissionQuery>();
    expectTypeOf<Parameters<StoreQueries['listRuns']>[0]>().toEqualTypeOf<RunQuery>();
  });

  describe('through the tools', async () => {
    const h = await connectInMemory();
    afterAll(() => h.close());
    for (let i = 0; i < 5; i++) await ok(h.client, 'createMission', { title: `Mission ${i}`, goal: 'g', mode: 'compact' });

    it('a listMissions page asked in compact mode continues in full mode, and the other way round', async () => {
      const compact = await ok(h.client, 'listMissions', { limit: 2, mode: 'compact' });
      const full = await ok(h.client, 'listMissions', { limit: 2, mode: 'full', cursor: compact.nextCursor });
      const back = await ok(h.client, 'listMissions', { limit: 2, mode: 'compact', cursor: full.nextCursor });
      const all = await ok(h.client, 'listMissions', { limit: 10, mode: 'compact' });
      expect([...compact.missions, ...full.missions, ...back.missions].map((m: { id: string }) => m.id)).toEqual(all.missions.map((m: { id: string }) => m.id));
      expect(compact.missions[0].goal, 'the first page is in compact mode').toBeUndefined();
      expect(full.missions[0].goal, 'the second page is in full mode').toBe('g');
    });
  });
});
