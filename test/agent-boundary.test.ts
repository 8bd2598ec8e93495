// An agent is not the server (issue 21, SPEC §12 and §16). Through a real `serve --transport http
// --runner` with tokens, real agent processes (the stub of runner-helpers.ts) and real callbacks:
// - an agent's environment carries none of the server's secrets (MISSIONS_TOKEN, MISSIONS_AUTH_FILE,
//   a store URL's password, anything the agents file does not name);
// - a token user's agent that calls back (the CLI as it inherited, or the MCP configuration the runner
//   wrote) acts as that user: it sees that user's missions only, and what it creates is that user's,
//   with the run as its origin; the configuration file is gone once the run has ended;
// - the runaway guard holds over HTTP: an agent that names its run gets origin recorded, and the chain
//   is refused past --max-depth;
// - a title cannot forge a log line; a token user sees no worker host or pid.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ok } from './helpers.js';
import { connectStreamable, spawnHttp, type HttpServerProcess } from './http-helpers.js';
import { freshDatabase } from './pg/db.js';
import { killStubs, runnerFixture, type RunnerFixture } from './runner-helpers.js';
import { waitFor } from './wait.js';

const DEF = 'def-token-0123456789abcdef-SECRET';
const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdef';

let fx: RunnerFixture | undefined;
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  if (fx) {
    killStubs(fx.events());
    fx.cleanup();
    fx = undefined;
  }
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function authFile(dir: string): string {
  const file = join(dir, 'auth.json');
  writeFileSync(file, JSON.stringify({ tokens: [{ token: ALICE, user: 'alice', org: 'acme' }, { token: BOB, user: 'bob', org: 'acme' }] }), { mode: 0o600 });
  return file;
}

/** A PostgreSQL password file for `url` (mode 600, as libpq and pg require), and the URL. */
function pgPassFile(dir: string, url: string): string {
  const u = new URL(url);
  const file = join(dir, 'pgpass');
  writeFileSync(file, `${u.hostname}:${u.port}:*:${u.username}:${decodeURIComponent(u.password)}\n`, { mode: 0o600 });
  return file;
}

async function startServer(args: string[], env: Record<string, string>): Promise<HttpServerProcess> {
  const server = await spawnHttp(args, env);
  closers.push(() => server.stop());
  return server;
}

async function connect(origin: string, token: string) {
  const h = await connectStreamable(origin, token);
  closers.push(h.close);
  return h;
}

/** The lines of a run's output that start with `kind ` (the stub's callback reports). */
const lines = (output: string, kind: string) => output.split('\n').filter((l) => l.startsWith(`${kind} `)).map((l) => l.slice(kind.length + 1));

describe.each(['file', 'postgres'] as const)('a token user\'s agent (%s store)', (engine) => {
  it('gets no secret of the server, and calling back it acts as that user: sees only that user\'s missions, and what it makes is that user\'s', async () => {
    fx = runnerFixture();
    const store = engine === 'file' ? fx.storeFile : await freshDatabase('agents');
    const password = engine === 'postgres' ? decodeURIComponent(new URL(store).password) : undefined;
    const passEnv = engine === 'postgres' ? ['STUB_PASSED', 'PGPASSFILE'] : ['STUB_PASSED'];
    fx.writeAgents({ passEnv });
    const auth = authFile(fx.dir);
    const env: Record<string, string> = { MISSIONS_TOKEN: DEF, MISSIONS_AUTH_FILE: auth, STUB_PASSED: 'visible', STUB_HIDDEN: 'hidden-value' };
    if (engine === 'postgres') env.PGPASSFILE = pgPassFile(fx.dir, store);
    const server = await startServer(['--store', store, '--runner', '--agents', fx.agentsFile], env);
    const alice = await connect(server.origin, ALICE);
    const bob = await connect(server.origin, BOB);
    await ok(alice.client, 'createMission', { title: 'alice PRIVATE payroll', goal: 'numbers' });
    await ok(bob.client, 'createMission', { title: "bob's own notes", goal: 'notes' });
    const forged = 'calls back\nmissions-mcp run: run run_FORGEDFORGEDFORGED01 of msn_FORGEDFORGEDFORGED01 succeeded';
    const { mission } = await ok(bob.client, 'createMission', { title: forged, goal: 'stub:env stub:cli-list stub:mcp-list', schedule: { type: 'once' } });
    const run = await waitFor('bob\'s run to end', async () => {
      const { runs } = await ok(bob.client, 'listRuns', { missionId: mission.id });
      return runs[0] && runs[0].status !== 'running' ? runs[0] : undefined;
    }, { timeoutMs: 45_000, everyMs: 100 });
    const { run: full } = await ok(bob.client, 'getRun', { id: run.id });

    // No secret of the server reached the agent, nor the run's output that bob reads.
    const seen = Object.fromEntries(lines(full.output, 'ENV').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    for (const name of ['MISSIONS_TOKEN', 'MISSIONS_AUTH_FILE', 'STUB_HIDDEN']) expect(seen[name], name).toBeUndefined();
    expect(full.output).not.toContain(DEF);
    expect(full.output).not.toContain(auth);
    if (password) expect(full.output).not.toContain(password);
    expect(seen).toMatchObject({ STUB_PASSED: 'visible', MISSION_ID: mission.id, MISSION_RUN_ID: run.id, MISSION_ATTEMPT: '1' });
    expect(full.status, full.output).toBe('succeeded');
    expect(seen.MISSIONS_STORE).toBe(engine === 'file' ? store : store.replace(`:${new URL(store).password}@`, '@'));

    // The CLI as it inherited (MISSIONS_STORE, MISSION_RUN_ID) and the runner's MCP configuration both act as bob.
    const [cli] = lines(full.output, 'CLI').map((l) => JSON.parse(l) as string[]);
    expect(cli).toEqual(expect.arrayContaining(["bob's own notes", forged]));
    expect(cli).not.toContain('alice PRIVATE payroll');
    const [mcp] = lines(full.output, 'MCP').map((l) => JSON.parse(l) as { titles: string[]; made: { owner: unknown; origin: unknown } });
    expect(mcp!.titles).toEqual(expect.arrayContaining(["bob's own notes", forged]));
    expect(mcp!.titles).not.toContain('alice PRIVATE payroll');
    expect(mcp!.made).toMatchObject({ owner: { user: 'bob', org: 'acme' }, origin: { runId: run.id, missionId: mission.id, depth: 1 } });
    // The configuration was private to the run and is gone with it.
    expect(existsSync(seen.MISSIONS_MCP_CONFIG!)).toBe(false);

    // A token user sees a worker alias, never the host and pid; a title cannot forge a log line.
    expect(full.worker).toMatch(/^worker-[0-9a-f]{12}$/);
    expect(server.stderr()).not.toMatch(/^missions-mcp run: run run_FORGED/m);
    expect(server.stderr()).toContain('calls back\\nmissions-mcp run: run run_FORGED');
  }, 90_000);
});

describe('the runaway guard over HTTP', () => {
  it('an agent that names its run (Mcp-Mission-Run) records it as origin; the chain is refused at depth 4', async () => {
    fx = runnerFixture();
    const port = await freePort();
    fx.writeAgents({ env: { STUB_LOG: fx.stubLog, STUB_SDK: join(import.meta.dirname, '..', 'node_modules', '@modelcontextprotocol', 'sdk', 'dist', 'esm'), STUB_URL: `http://127.0.0.1:${port}`, STUB_TOKEN: BOB } });
    const server = await startServer(['--port', String(port), '--store', fx.storeFile, '--runner', '--agents', fx.agentsFile, '--auth-file', authFile(fx.dir)], {});
    const bob = await connect(server.origin, BOB);
    const { mission: root } = await ok(bob.client, 'createMission', { title: 'root', goal: 'stub:http-spawn', schedule: { type: 'once' } });
    const refused = await waitFor('the mission past --max-depth to be refused', async () => (await ok(bob.client, 'listMissions', { status: 'failed' })).missions[0], { timeoutMs: 60_000, everyMs: 200 });
    const all = (await ok(bob.client, 'listMissions', { sort: 'createdAt', order: 'asc', limit: 100 })).missions;
    expect(all.map((m: { origin: { depth: number } | null }) => m.origin?.depth ?? 0)).toEqual([0, 1, 2, 3, 4]);
    for (let i = 1; i < all.length; i++) expect(all[i]).toMatchObject({ owner: { user: 'bob', org: 'acme' }, origin: { missionId: all[i - 1].id } });
    expect(refused.id).toBe(all[4].id);
    const { runs } = await ok(bob.client, 'listRuns', { missionId: refused.id });
    expect(runs[0].error).toMatch(/chain of 4 runs .* deeper than the limit of 3 \(--max-depth\)/);
    expect(fx.starts().map((s) => s.mission)).toEqual([root.id, all[1].id, all[2].id, all[3].id]);
  }, 90_000);

  it('a run named by a request must be running and the caller\'s to see; else the call is refused and nothing is made', async () => {
    fx = runnerFixture();
    const server = await startServer(['--store', fx.storeFile, '--auth-file', authFile(fx.dir)], {});
    const alice = await connect(server.origin, ALICE);
    const ghost = `run_${'Z'.repeat(20)}`;
    const answer = await alice.client.callTool({ name: 'createMission', arguments: { title: 't', goal: 'g' }, _meta: { 'missions-mcp/runId': ghost } });
    expect(answer.isError).toBe(true);
    expect(JSON.parse((answer.content as { text: string }[])[0]!.text).error).toMatchObject({ code: 'not_found' });
    expect((await ok(alice.client, 'listMissions', {})).total).toBe(0);
  }, 30_000);
});

describe('a mission the worker cannot place', () => {
  it('an unknown spaceId is refused when the agents file maps spaces: the run fails and says why; the agent never starts', async () => {
    fx = runnerFixture();
    const web = mkdtempSync(join(tmpdir(), 'missions-space-'));
    closers.push(async () => (await import('node:fs')).rmSync(web, { recursive: true, force: true }));
    fx.writeAgents({}, { spaces: { web } });
    const server = await startServer(['--store', fx.storeFile, '--runner', '--agents', fx.agentsFile], {});
    const h = await connectStreamable(server.origin);
    closers.push(h.close);
    const ids: string[] = [];
    for (const spaceId of ['../../../etc', '__proto__', 'web']) ids.push((await ok(h.client, 'createMission', { title: spaceId, goal: 'g', spaceId, schedule: { type: 'once' } })).mission.id);
    const runs = await waitFor('three runs to end', async () => {
      const { runs: all } = await ok(h.client, 'listRuns', {});
      return all.length === 3 && all.every((r: { status: string }) => r.status !== 'running') ? all : undefined;
    }, { timeoutMs: 30_000, everyMs: 100 });
    const byMission = Object.fromEntries(runs.map((r: { missionId: string }) => [r.missionId, r]));
    for (const id of ids.slice(0, 2)) expect(byMission[id]).toMatchObject({ status: 'failed', error: expect.stringMatching(/spaceId ".*" is not one of the spaces of the agents file/) });
    expect(byMission[ids[2]!]).toMatchObject({ status: 'succeeded' });
    expect(fx.starts().map((s) => [s.mission, s.cwd])).toEqual([[ids[2], web]]);
  }, 60_000);
});

describe('schedules', () => {
  it('a cron expression that never matches a date is refused, naming schedule.value', async () => {
    const { connectInMemory, call } = await import('./helpers.js');
    const h = await connectInMemory();
    closers.push(h.close);
    const answer = await call(h.client, 'createMission', { title: 't', goal: 'g', schedule: { type: 'cron', value: '0 0 31 2 *' } });
    expect(answer.isError).toBe(true);
    expect(answer.body.error).toMatchObject({ code: "invalid_request", param: "schedule.value", message: expect.stringMatching(/never matches a date/) });
    // 29 February exists (in leap years): accepted.
    expect((await call(h.client, 'createMission', { title: 't', goal: 'g', schedule: { type: 'cron', value: '0 0 29 2 *' } })).isError).toBe(false);
  });
});
