// getRun of an open approval request answers the prompt a person is asked to approve (SPEC §15; the
// board's queue shows it): exactly what the agent would get, whole in full mode and its start in compact,
// cut with a note past --max-answer-bytes; no prompt once it no longer hashes to the request, nor for
// runs that are not open requests.
import { afterEach, describe, expect, it } from 'vitest';
import type { Mission } from '../src/mission/model.js';
import { defaultAgents } from '../src/runner/agents.js';
import { launchView } from '../src/runner/launch-view.js';
import { promptFor } from '../src/runner/prompt.js';
import { openMemoryStore } from '../src/store/index.js';
import { connectInMemory, ok, type Harness } from './helpers.js';

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

async function open(options: Parameters<typeof connectInMemory>[0] = {}) {
  const h = await connectInMemory(options);
  harnesses.push(h);
  return h;
}

const NEEDS_YES = { plan: { constraints: { requireApproval: true } } };

describe('getRun of an approval request', () => {
  it('answers the prompt the agent would get, whole in full mode and its start in compact mode', async () => {
    const h = await open();
    const goal = `Post the launch thread. ${'Check every figure against the changelog. '.repeat(40)}`;
    const { mission } = await ok<{ mission: Mission }>(h.client, 'createMission', { title: 'Launch thread', goal, ...NEEDS_YES });
    const opened = await ok(h.client, 'runMission', { id: mission.id });
    expect(opened.approvalRequired).toBe(true);

    const full = (await ok(h.client, 'getRun', { id: opened.approvalRequestId })).run;
    expect(full.status).toBe('awaiting_approval');
    expect(full.prompt).toBe(promptFor((await ok(h.client, 'getMission', { id: mission.id })).mission));
    expect(full.prompt).toContain(goal.trim());

    const compact = (await ok(h.client, 'getRun', { id: opened.approvalRequestId, mode: 'compact' })).run;
    expect(compact.prompt).toBe(`${full.prompt.slice(0, 600)}…`);
  });

  it('shows the prompt whatever this server\'s folder: the request binds its own', async () => {
    const store = openMemoryStore();
    const opener = await open({ store, launchView: launchView(defaultAgents(), '/srv/agents') });
    const { mission } = await ok(opener.client, 'createMission', { title: 'T', goal: 'Write the digest.', ...NEEDS_YES });
    const { approvalRequestId } = await ok(opener.client, 'runMission', { id: mission.id });
    const reader = await open({ store, launchView: launchView(defaultAgents(), '/elsewhere') });
    const run = (await ok(reader.client, 'getRun', { id: approvalRequestId })).run;
    expect(run.approval.cwd).toBe('/srv/agents');
    expect(run.prompt).toContain('Write the digest.');
  });

  it('answers no prompt once the mission no longer gives that prompt, nor for other runs', async () => {
    const store = openMemoryStore();
    const h = await open({ store });
    const { mission } = await ok<{ mission: Mission }>(h.client, 'createMission', { title: 'T', goal: 'Old goal.', ...NEEDS_YES });
    const { approvalRequestId } = await ok(h.client, 'runMission', { id: mission.id });
    // changed behind the server's back (an edit through updateMission would void the request at once)
    await store.write(async (v) => ({ put: [{ ...(await v.get(mission.id))!, goal: 'New goal.' }], result: undefined }));
    expect((await ok(h.client, 'getRun', { id: approvalRequestId })).run.prompt).toBeNull();

    const manual = await ok<{ mission: Mission }>(h.client, 'createMission', { title: 'By hand', goal: 'G' });
    await ok(h.client, 'updateMission', { id: manual.mission.id, status: 'running' });
    const [run] = (await ok(h.client, 'listRuns', { missionId: manual.mission.id })).runs;
    expect((await ok(h.client, 'getRun', { id: run.id })).run.prompt).toBeNull();
    expect((await ok(h.client, 'getRun', { id: run.id, mode: 'compact' })).run).not.toHaveProperty('prompt');
  });

  it('past --max-answer-bytes, answers the request cut to compact form with a note', async () => {
    const h = await open({ limits: { maxAnswerBytes: 8192 } });
    const { mission } = await ok(h.client, 'createMission', { title: 'Big', goal: 'x'.repeat(20_000), ...NEEDS_YES });
    const { approvalRequestId } = await ok(h.client, 'runMission', { id: mission.id });
    const run = (await ok(h.client, 'getRun', { id: approvalRequestId })).run;
    expect(run.truncated).toMatch(/^cut to compact form: in full it is [\d,]+ bytes, more than one answer may hold \(8 KB, --max-answer-bytes\)$/);
    expect(run.prompt).toHaveLength(601);
  });
});
