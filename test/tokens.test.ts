// Token costs, counted with the o200k tokenizer that current OpenAI models use (a fair proxy for any):
// the whole tools/list stays within its budget (issue 5: 3,000 for the seven tools; issue 10: 3,800 for ten; issue 18: 4,400 for twelve; issue 12's
// `_meta: { ui: { resourceUri } }` on listMissions and getMission, the MCP App link, adds 28 and still fits), and SPEC §6's
// compact text for a page of 20 typical missions costs at most a quarter of the tokens of full text.
// `npm run bench:tokens` prints the same figures per tool.
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectInMemory, call, ok, type Harness } from './helpers.js';
import { realisticMissions } from './fixtures/missions.js';

const tokens = (text: string) => encode(text).length;

let h: Harness;
let ids: string[] = [];
beforeAll(async () => {
  h = await connectInMemory();
  for (const input of realisticMissions(20)) ids.push((await ok(h.client, 'createMission', input)).mission.id);
});
afterAll(() => h.close());

describe('tools/list', () => {
  it('costs at most 4,400 tokens for the twelve tools', async () => {
    const { tools } = await h.client.listTools();
    expect(tools).toHaveLength(12);
    const total = tokens(JSON.stringify({ tools }));
    console.log(`tools/list: ${total} tokens (${tools.map((t) => `${t.name} ${tokens(JSON.stringify(t))}`).join(', ')})`);
    expect(total).toBeLessThanOrEqual(4_400);
  });
});

describe('compact versus full', () => {
  it('a page of 20 realistic missions: compact costs at most 25% of full', async () => {
    const full = await call(h.client, 'listMissions', { limit: 20, mode: 'full' });
    const compact = await call(h.client, 'listMissions', { limit: 20, mode: 'compact' });
    expect(full.body.missions).toHaveLength(20);
    expect(compact.body.missions).toHaveLength(20);
    const ratio = tokens(compact.text) / tokens(full.text);
    console.log(`listMissions, 20 missions: full ${tokens(full.text)} tokens, compact ${tokens(compact.text)} tokens, ratio ${(ratio * 100).toFixed(1)}%`);
    expect(ratio).toBeLessThanOrEqual(0.25);
  });

  it('single-mission results are smaller in compact mode for every kind of mission', async () => {
    for (const id of ids.slice(0, 3)) {
      const full = await call(h.client, 'getMission', { id, mode: 'full' });
      const compact = await call(h.client, 'getMission', { id, mode: 'compact' });
      const ratio = tokens(compact.text) / tokens(full.text);
      console.log(`getMission ${full.body.mission.title}: full ${tokens(full.text)}, compact ${tokens(compact.text)} (${(ratio * 100).toFixed(1)}%)`);
      expect(ratio).toBeLessThan(0.6);
      // compact keeps what an agent needs to act: id, title, status, the schedule and the next run
      expect(compact.body.mission).toMatchObject({ id, title: full.body.mission.title, status: full.body.mission.status });
      if (full.body.mission.schedule.nextRun) expect(compact.body.mission.nextRun).toBe(full.body.mission.schedule.nextRun);
    }
  });

  it('the server-wide default mode applies when a call gives none', async () => {
    const compactServer = await connectInMemory({ defaultMode: 'compact' });
    const { mission } = await ok(compactServer.client, 'createMission', { title: 'T', goal: 'G' });
    expect(mission).toEqual({ id: mission.id, title: 'T', status: 'pending', goal: 'G' });
    const full = await ok(compactServer.client, 'getMission', { id: mission.id, mode: 'full' });
    expect(full.mission.owner).toEqual({ user: 'local', org: null });
    await compactServer.close();
  });
});
