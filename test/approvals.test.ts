// Approvals (SPEC §15), on both stores, with the worker of this process and real agent processes: a
// mission whose plan.constraints.requireApproval is true never starts an agent without a person's yes
// to that very run. Requests opened by the claim, decided by tool (approve, reject), by nobody (expiry),
// voided by an edit; two workers never start an undecided one; who may decide; and runMission asking
// the person at a client that can be asked (2025 elicitation, 2026-07-28 input-required), accept and
// decline, or leaving the request open for a client that cannot be asked.
import { Client as ModernClient, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import { callTool } from '../src/dispatch.js';
import { realDeps } from '../src/deps.js';
import { newRunId } from '../src/ids.js';
import { LOCAL_USER, tokenPrincipal, type Identity } from '../src/mission/access.js';
import { createModernServer } from '../src/modern/server.js';
import { promptHash } from '../src/run/approval.js';
import type { RunRecord } from '../src/run/model.js';
import { loadAgents, type Agents } from '../src/runner/agents.js';
import { launchView } from '../src/runner/launch-view.js';
import { Worker, type WorkerOptions } from '../src/runner/worker.js';
import { createServer } from '../src/server.js';
import type { MissionStore } from '../src/store/types.js';
import type { AnyTool, ToolDeps } from '../src/tool.js';
import { allTools } from '../tools/index.js';
import { decideRun } from '../tools/decide-run.js';
import { updateMission } from '../tools/update-mission.js';
import { SHARED_ENGINES, type Engine } from './store-engines.js';
import { MODERN } from './modern-helpers.js';
import { killStubs, putMissions, runnerFixture, type RunnerFixture } from './runner-helpers.js';
import { waitFor } from './wait.js';

let fx: RunnerFixture | undefined;
const stores: MissionStore[] = [];
const workers: Worker[] = [];
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  for (const s of stores.splice(0)) await s.close();
  if (fx) {
    killStubs(fx.events());
    fx.cleanup();
    fx = undefined;
  }
});

const ALICE = tokenPrincipal('alice', 'acme');
const BOB = tokenPrincipal('bob', 'acme');
const CAROL = tokenPrincipal('carol', 'globex');

async function setup(engine: Engine) {
  fx = runnerFixture('missions-approvals-');
  const opened = await engine.open();
  stores.push(opened.store);
  const agents: Agents = loadAgents(fx.writeAgents());
  const view = launchView(agents, fx.dir);
  let clock: Date | undefined;
  const now = () => clock ?? new Date();
  const depsOf = (identity: Identity, store = opened.store): ToolDeps => ({ ...realDeps(store, { defaultMode: 'full', identity }), now, launchView: view });
  const call = async (tool: AnyTool, args: Record<string, unknown>, identity: Identity = LOCAL_USER) => {
    const result = await callTool(tool, args, depsOf(identity), () => undefined);
    return { isError: result.isError === true, body: JSON.parse((result.content[0] as { text: string }).text) };
  };
  const worker = (options: Partial<WorkerOptions> = {}, store = opened.store) => {
    const w = new Worker({ store, agents, now, newRunId, log: () => undefined, cwd: fx!.dir }, { concurrency: 4, leaseMs: 60_000, maxDepth: 3, tickMs: 20, ...options });
    workers.push(w);
    return w;
  };
  return {
    s: opened.store,
    another: () => {
      const s = opened.another();
      stores.push(s);
      return s;
    },
    view,
    depsOf,
    call,
    worker,
    setClock: (iso: string) => (clock = new Date(iso)),
    /** What is due now, once each (run --once): opens requests, starts approved runs, and ends. */
    runDue: async (options: Partial<WorkerOptions> = {}) => {
      const w = worker({ once: true, ...options });
      await w.start();
      return w.results;
    },
    runs: async (id: string): Promise<RunRecord[]> => [...(await opened.store.runsOf(id))],
  };
}

const needsYes = (title: string, extra: Record<string, unknown> = {}) => ({
  title,
  goal: 'stub:sleep=10',
  schedule: { type: 'once' },
  plan: { constraints: { requireApproval: true } },
  ...extra,
});

describe.each(SHARED_ENGINES)('approvals on the $name store', (engine) => {
  it('the claim opens a request bound to the exact prompt, agent and folder; no agent starts; approve by tool: the next worker starts that very run', async () => {
    const t = await setup(engine);
    const [m] = await putMissions(t.s, [needsYes('Post the launch')], new Date());
    await t.runDue();
    const [request] = await t.runs(m!.id);
    const expected = t.view((await t.s.get(m!.id))!, []);
    expect(request).toMatchObject({ status: 'awaiting_approval', worker: null, promptHash: promptHash(expected), decision: null, approval: { command: expect.stringContaining('stub-agent.mjs'), cwd: fx!.dir } });
    const waiting = (await t.s.get(m!.id))!;
    expect(waiting).toMatchObject({ status: 'pending', schedule: { runCount: 0, nextRun: m!.schedule.nextRun } }); // the schedule did not move on
    expect(fx!.starts()).toEqual([]); // the worker ended (--once) without starting anything
    // A second pass opens no second request and starts nothing.
    await t.runDue();
    expect((await t.runs(m!.id)).map((r) => r.status)).toEqual(['awaiting_approval']);
    expect((await t.call(allTools.find((x) => x.name === 'listRuns')!, { status: 'awaiting_approval' })).body.runs.map((r: RunRecord) => r.id)).toEqual([request!.id]);

    const decided = await t.call(decideRun, { id: request!.id, decision: 'approve', note: 'looks right' });
    expect(decided.body.run).toMatchObject({ status: 'awaiting_approval', decision: { by: { user: 'local', org: null }, decision: 'approve', note: 'looks right', via: 'tool' } });
    await t.runDue();
    const [ran] = await t.runs(m!.id);
    expect(ran).toMatchObject({ id: request!.id, status: 'succeeded', decision: { decision: 'approve' }, promptHash: request!.promptHash });
    expect(fx!.starts().map((s) => [s.run, s.stdin])).toEqual([[request!.id, expected.prompt]]);
    expect((await t.s.get(m!.id))!.status).toBe('completed');
    // Deciding again is a conflict, and changes nothing.
    const again = await t.call(decideRun, { id: request!.id, decision: 'reject' });
    expect(again.body.error).toMatchObject({ code: 'conflict', param: 'id' });
  }, 60_000);

  it('reject: the run is rejected and the slot skipped (a once mission pauses, a cron one moves to its next slot); nobody deciding: expired, handled as a reject', async () => {
    const t = await setup(engine);
    const [once, cron] = await putMissions(
      t.s,
      [needsYes('Once'), needsYes('Daily', { schedule: { type: 'cron', value: '0 9 * * *' } })],
      new Date('2026-12-04T00:00:00Z'),
    );
    t.setClock('2026-12-04T09:00:30Z');
    await t.runDue({ approvalTimeoutMs: 60 * 60_000 });
    const [onceRequest] = await t.runs(once!.id);
    const [cronRequest] = await t.runs(cron!.id);
    expect([onceRequest!.status, cronRequest!.status]).toEqual(['awaiting_approval', 'awaiting_approval']);
    expect(cronRequest!.approval!.expiresAt).toBe('2026-12-04T10:00:30.000Z');

    const rejected = await t.call(decideRun, { id: onceRequest!.id, decision: 'reject', note: 'not today' });
    expect(rejected.body.run).toMatchObject({ status: 'rejected', decision: { decision: 'reject', note: 'not today' } });
    expect((await t.s.get(once!.id))!).toMatchObject({ status: 'paused', schedule: { runCount: 0 } });

    // An hour later nobody has decided the cron request: past its expiry it cannot be decided, even before
    // a runner closes it; then it is expired, and the mission moves to tomorrow's slot.
    t.setClock('2026-12-04T10:01:00Z');
    const late = await t.call(decideRun, { id: cronRequest!.id, decision: 'approve' });
    expect(late.body.error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/expired at 2026-12-04T10:00:30.000Z/) });
    expect((await t.s.getRun(cronRequest!.id))!.decision).toBeNull();
    await t.runDue();
    const [expired] = await t.runs(cron!.id);
    expect(expired).toMatchObject({ status: 'expired', decision: null, error: expect.stringMatching(/nobody decided by 2026-12-04T10:00:30.000Z \(--approval-timeout\)/) });
    expect((await t.s.get(cron!.id))!.schedule.nextRun).toBe('2026-12-05T09:00:00.000Z');
    expect(fx!.starts()).toEqual([]);
  }, 60_000);

  it('an edit that changes the prompt voids the request (superseded) and the next claim opens one for the new prompt; an approval given before the edit starts nothing', async () => {
    const t = await setup(engine);
    const [m] = await putMissions(t.s, [needsYes('Newsletter')], new Date());
    await t.runDue();
    const [first] = await t.runs(m!.id);
    await t.call(decideRun, { id: first!.id, decision: 'approve' });
    // Approved, then edited before a worker started it: the approval was for the old prompt.
    await t.call(updateMission, { id: m!.id, goal: 'stub:sleep=10 and a different text' });
    expect((await t.s.getRun(first!.id))!).toMatchObject({ status: 'superseded', error: expect.stringMatching(/^superseded: the mission was changed/) });
    await t.runDue();
    const runs = await t.runs(m!.id);
    expect(runs.map((r) => r.status)).toEqual(['superseded', 'awaiting_approval']);
    expect(runs[1]!.promptHash).not.toBe(first!.promptHash);
    expect(runs[1]!.promptHash).toBe(promptHash(t.view((await t.s.get(m!.id))!, runs)));
    // A prompt changed behind the tools' back (another writer): approving what was asked is refused.
    await t.s.write(async (v) => ({ put: [{ ...(await v.get(m!.id))!, goal: 'changed by another writer' }], result: null }));
    const stale = await t.call(decideRun, { id: runs[1]!.id, decision: 'approve' });
    expect(stale.body.error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/changed since/) });
    await t.s.write(async (v) => ({ put: [{ ...(await v.get(m!.id))!, goal: 'stub:sleep=10 and a different text' }], result: null }));
    // An edit that leaves the prompt as it was (the icon) keeps the request.
    await t.call(updateMission, { id: m!.id, icon: '📰' });
    expect((await t.s.getRun(runs[1]!.id))!.status).toBe('awaiting_approval');
    expect(fx!.starts()).toEqual([]);
  }, 60_000);

  it('two workers on two store handles (two processes) never start an undecided request; once approved, each runs exactly once', async () => {
    const t = await setup(engine);
    const missions = await putMissions(t.s, Array.from({ length: 8 }, (_, i) => needsYes(`M${i}`)), new Date());
    const a = t.worker({}, t.s);
    const b = t.worker({}, t.another());
    void a.start();
    void b.start();
    const requests = await waitFor('eight requests', async () => {
      const all = (await Promise.all(missions.map((m) => t.runs(m.id)))).flat();
      return all.length === 8 && all.every((r) => r.status === 'awaiting_approval') ? all : undefined;
    });
    await waitFor('both workers to be seen', async () => (await t.s.workers()).length === 2);
    expect(fx!.starts()).toEqual([]);
    // The workers go on ticking while four are approved and run: the other four, there all along, never start.
    for (const r of requests.slice(0, 4)) await t.call(decideRun, { id: r.id, decision: 'approve' });
    await waitFor('the four approved runs to end', async () => (await Promise.all(requests.slice(0, 4).map((r) => t.s.getRun(r.id)))).every((r) => r!.status === 'succeeded'));
    expect(fx!.starts().map((s) => s.run).sort()).toEqual(requests.slice(0, 4).map((r) => r.id).sort());
    for (const r of requests.slice(4)) expect((await t.s.getRun(r.id))!.status).toBe('awaiting_approval');
  }, 60_000);

  it('who may decide: whoever may change the mission; one who cannot see it gets not_found, one who sees but may not change it forbidden', async () => {
    const t = await setup(engine);
    const [m] = await putMissions(t.s, [needsYes('Org post', { visibility: 'public' })], new Date());
    await t.s.write(async (v) => ({ put: [{ ...(await v.get(m!.id))!, owner: { user: 'alice', org: 'acme' } }], result: null }));
    await t.runDue();
    const [request] = await t.runs(m!.id);
    const carol = await t.call(decideRun, { id: request!.id, decision: 'approve' }, CAROL); // public: she sees it, another org: may not change it
    expect(carol.body.error).toMatchObject({ code: 'forbidden', param: 'id' });
    await t.s.write(async (v) => ({ put: [{ ...(await v.get(m!.id))!, visibility: 'private' }], result: null }));
    const bob = await t.call(decideRun, { id: request!.id, decision: 'approve' }, BOB); // private to alice: does not exist for bob
    expect(bob.body.error).toMatchObject({ code: 'not_found', param: 'id' });
    expect((await t.s.getRun(request!.id))!.decision).toBeNull();
    const alice = await t.call(decideRun, { id: request!.id, decision: 'reject' }, ALICE);
    expect(alice.body.run.decision).toMatchObject({ by: { user: 'alice', org: 'acme' }, decision: 'reject' });
  }, 60_000);
});

describe('runMission asks the person, if their client can be asked', () => {
  async function v1Client(t: Awaited<ReturnType<typeof setup>>, answer: 'accept' | 'decline' | null) {
    const { server } = createServer(t.depsOf(LOCAL_USER), { tools: allTools, log: () => undefined });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'person', version: '1' }, { capabilities: answer ? { elicitation: {} } : {} });
    const asked: string[] = [];
    if (answer) client.setRequestHandler(ElicitRequestSchema, (r) => (asked.push(r.params.message), { action: answer, content: answer === 'accept' ? { note: 'ship it' } : undefined }));
    await server.connect(serverSide);
    await client.connect(clientSide);
    closers.push(() => client.close());
    return { client, asked };
  }

  it('2025 session: accept approves (via elicitation) and the runner starts it; decline rejects; a client that cannot be asked gets the open request', async () => {
    const t = await setup(SHARED_ENGINES[0]!);
    const [yes, no, silent] = await putMissions(t.s, [needsYes('Yes', { schedule: { type: 'none' } }), needsYes('No', { schedule: { type: 'none' } }), needsYes('Silent', { schedule: { type: 'none' } })], new Date());

    const accepting = await v1Client(t, 'accept');
    const approved = (await accepting.client.callTool({ name: 'runMission', arguments: { id: yes!.id } })).structuredContent as Record<string, unknown>;
    expect(accepting.asked).toHaveLength(1);
    expect(accepting.asked[0]).toContain(`Mission "Yes" (${yes!.id})`);
    expect(accepting.asked[0]).toContain('stub-agent.mjs');
    expect(accepting.asked[0]).toContain(`in the folder ${fx!.dir}`);
    expect(approved).toMatchObject({ approvalRequired: true, approvalRequestId: expect.stringMatching(/^run_/), approval: { status: 'awaiting_approval', decision: { decision: 'approve', via: 'elicitation', note: 'ship it' } } });
    await t.runDue();
    expect((await t.s.getRun(approved.approvalRequestId as string))!.status).toBe('succeeded');

    const declining = await v1Client(t, 'decline');
    const rejected = (await declining.client.callTool({ name: 'runMission', arguments: { id: no!.id } })).structuredContent as Record<string, unknown>;
    expect(rejected).toMatchObject({ approvalRequired: true, approval: { status: 'rejected', decision: { decision: 'reject', via: 'elicitation' } } });

    const mute = await v1Client(t, null);
    const open = (await mute.client.callTool({ name: 'runMission', arguments: { id: silent!.id } })).structuredContent as Record<string, unknown>;
    expect(open).toMatchObject({ approvalRequired: true, approval: { status: 'awaiting_approval', decision: null } });
    await t.runDue();
    expect(fx!.starts().map((s) => s.mission)).toEqual([yes!.id]); // only the approved one ran
  }, 60_000);

  it('2026-07-28: an input-required result, answered by the client, approves the run', async () => {
    const t = await setup(SHARED_ENGINES[0]!);
    const [m] = await putMissions(t.s, [needsYes('Modern', { schedule: { type: 'none' } })], new Date());
    const handler = createMcpHandler(() => createModernServer(t.depsOf(LOCAL_USER), { tools: allTools, log: () => undefined, era: 'modern' }).server, { legacy: 'reject' });
    closers.push(() => handler.close());
    const client = new ModernClient({ name: 'person', version: '1' }, { versionNegotiation: { mode: { pin: MODERN } }, capabilities: { elicitation: { form: {} } } });
    const asked: string[] = [];
    client.setRequestHandler('elicitation/create', (r) => (asked.push(r.params.message), { action: 'accept' as const, content: {} }));
    await client.connect(new StreamableHTTPClientTransport(new URL('http://in-process/mcp'), { fetch: (url, init) => handler.fetch(new Request(url, init)) }));
    closers.push(() => client.close());
    const result = (await client.callTool({ name: 'runMission', arguments: { id: m!.id } })).structuredContent as Record<string, unknown>;
    expect(asked).toHaveLength(1);
    expect(result).toMatchObject({ approvalRequired: true, approval: { decision: { decision: 'approve', via: 'elicitation', note: null } } });
  }, 60_000);
});
