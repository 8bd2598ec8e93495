// SPEC §12 end to end through a server: `serve --runner` over stdio runs a mission an MCP client
// created, subscribers of mission://{id} hear the run start and end, getRun has the agent's output,
// and an agent that creates missions through missions-mcp (which makes more of itself) is stopped by
// the depth limit: the chain of origins is recorded and the mission past --max-depth is refused.
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { connectStdio, inbox, ok } from './helpers.js';
import { killStubs, runnerFixture, type RunnerFixture } from './runner-helpers.js';
import { waitFor } from './wait.js';

let fx: RunnerFixture | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c().catch(() => undefined);
  if (fx) {
    killStubs(fx.events());
    fx.cleanup();
    fx = undefined;
  }
});

describe('serve --runner', () => {
  it('runs a mission created by its client; the subscriber hears the run start and end; getRun has the output', async () => {
    fx = runnerFixture();
    fx.writeAgents();
    const updates = inbox<{ uri: string }>();
    const h = await connectStdio(['--store', fx.storeFile, '--runner', '--agents', fx.agentsFile], {}, (client) =>
      client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => updates.push(n.params)),
    );
    closers.push(h.close);
    const { mission } = await ok(h.client, 'createMission', { title: 'Say hello', goal: 'stub:sleep=300', schedule: { type: 'once' } });
    await h.client.subscribeResource({ uri: `mission://${mission.id}` });
    const done = await waitFor('the run to end', async () => {
      const { runs } = await ok(h.client, 'listRuns', { missionId: mission.id });
      return runs[0]?.status === 'succeeded' ? runs[0] : undefined;
    }, { everyMs: 100 });
    expect(done).toMatchObject({ trigger: 'schedule', attempt: 1, exitCode: 0, agentType: 'claude' });
    expect((await ok(h.client, 'getRun', { id: done.id })).run.output).toContain('stub says hello');
    expect((await ok(h.client, 'getMission', { id: mission.id })).mission).toMatchObject({ status: 'completed', schedule: { runCount: 1 } });
    await updates.next((n) => n.uri === `mission://${mission.id}`);
    expect(h.stderr()).toMatch(new RegExp(`run ${done.id} started: ${mission.id}`));
    expect(fx.starts().map((s) => s.mission)).toEqual([mission.id]);
  }, 60_000);

  it('an agent that makes missions that make missions is stopped at --max-depth, with the chain recorded', async () => {
    fx = runnerFixture();
    fx.writeAgents();
    const h = await connectStdio(['--store', fx.storeFile, '--runner', '--agents', fx.agentsFile, '--max-depth', '2']);
    closers.push(h.close);
    const { mission: root } = await ok(h.client, 'createMission', { title: 'Root', goal: 'stub:spawn-mission', schedule: { type: 'once' } });
    const refused = await waitFor('a refused mission', async () => {
      const { missions } = await ok(h.client, 'listMissions', { status: 'failed' });
      return missions[0];
    }, { timeoutMs: 45_000, everyMs: 200 });
    const all = (await ok(h.client, 'listMissions', { sort: 'createdAt', order: 'asc', limit: 100 })).missions;
    // root (a person's), then depth 1 and 2 run and each makes one more; depth 3 is refused.
    expect(all.map((m: { origin: { depth: number } | null }) => m.origin?.depth ?? 0)).toEqual([0, 1, 2, 3]);
    for (let i = 1; i < all.length; i++) expect(all[i].origin.missionId).toBe(all[i - 1].id);
    expect(refused.id).toBe(all[3].id);
    const { runs } = await ok(h.client, 'listRuns', { missionId: refused.id });
    expect(runs).toHaveLength(1);
    expect(runs[0].error).toMatch(/chain of 3 runs .* deeper than the limit of 2 \(--max-depth\)/);
    expect(fx.starts().map((s) => s.mission)).toEqual([root.id, all[1].id, all[2].id]);
  }, 90_000);
});
