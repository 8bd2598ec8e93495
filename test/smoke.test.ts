import { afterEach, describe, expect, it } from 'vitest';
import { connectInMemory, ok, type Harness } from './helpers.js';

describe('smoke', () => {
  let h: Harness;
  afterEach(() => h?.close());
  it('creates and reads a mission in memory', async () => {
    h = await connectInMemory();
    const { mission } = await ok(h.client, 'createMission', { title: 'T', goal: 'G' });
    const got = await ok(h.client, 'getMission', { id: mission.id });
    expect(got.mission).toEqual(mission);
  });
});
