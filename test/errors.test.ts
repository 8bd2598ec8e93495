// SPEC §7 at the edges: a bug answers `internal` without a stack trace; unknown fields get a hint.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolResultSchema, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { createServer } from '../src/server.js';
import { allTools } from '../tools/index.js';
import { MissionError } from '../src/errors.js';
import type { RunRecord } from '../src/run/model.js';
import type { MissionStore } from '../src/store/types.js';
import { unknownFieldMessage } from '../src/validation.js';
import { call, connectInMemory, failingStore, testDeps } from './helpers.js';

describe('internal errors', () => {
  it('a store that throws a plain Error answers internal, with no stack trace, and logs the stack', async () => {
    const broken: MissionStore = failingStore(':broken:', async () => { throw new Error('disk controller on fire'); }, {
      write: async () => { throw new TypeError('cannot read properties of undefined'); },
    });
    const logged: string[] = [];
    const { server } = createServer(testDeps({ store: broken }), { tools: allTools, log: (m) => logged.push(m) });
    const [a, b] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 't', version: '1' });
    await server.connect(b);
    await client.connect(a);
    for (const [tool, args] of [['listMissions', {}], ['createMission', { title: 'T', goal: 'G' }]] as const) {
      const answer = await call(client, tool, args);
      expect(answer.isError).toBe(true);
      expect(answer.body.error.code).toBe('internal');
      expect(answer.body.error.message).not.toMatch(/at .*\.(ts|js):\d+/);
      expect(answer.body.error.message).not.toContain('disk controller');
    }
    expect(logged.join('\n')).toMatch(/disk controller on fire[\s\S]*at /);
    await client.close();
  });

  it('an unknown tool is a protocol error that lists the tools', async () => {
    const h = await connectInMemory();
    await expect(h.client.callTool({ name: 'launchMission', arguments: {} })).rejects.toThrow(/Unknown tool "launchMission".*createMission/);
    await h.close();
  });
});

describe('store errors', () => {
  const STORE_DOWN = new MissionError('store_error', 'The store /data/missions.json cannot be read (EIO). Check the disk, then call again.');
  const run: RunRecord = {
    id: 'run_AAAAAAAAAAAAAAAAAAAA', missionId: 'msn_AAAAAAAAAAAAAAAAAAAA', status: 'succeeded', trigger: 'manual', attempt: 1, slot: null,
    agentType: 'claude', worker: null, leaseExpiresAt: null, startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:01.000Z',
    durationMs: 1000, exitCode: 0, signal: null, error: null, retryAt: null, outputBytes: 0,
  };

  it('getRun answers store_error, not not_found, when the run is found but its mission cannot be read', async () => {
    // The run index answers; the missions do not (a store failing between two reads).
    const store = failingStore('/data/missions.json', async () => { throw STORE_DOWN; }, { getRun: async (id: string) => (id === run.id ? run : undefined) });
    const h = await connectInMemory({ store });
    const answer = await call(h.client, 'getRun', { id: run.id });
    expect(answer.body.error, answer.text).toMatchObject({ code: 'store_error', message: STORE_DOWN.message });
    // as every tool does that reads the same mission
    expect((await call(h.client, 'getMission', { id: run.missionId })).body.error.code).toBe('store_error');
    // a run that is not there is still not_found
    expect((await call(h.client, 'getRun', { id: 'run_BBBBBBBBBBBBBBBBBBBB' })).body.error.code).toBe('not_found');
    await h.close();
  });
});

describe('unknown fields', () => {
  it.each([
    ['name', ['title', 'goal'], 'did you mean "title"?'],
    ['description', ['title', 'goal'], 'did you mean "goal"?'],
    ['titel', ['title', 'goal'], 'did you mean "title"?'],
    ['runCount', ['type', 'value'], 'computed by the server'],
    ['owner', ['title'], 'set by the server from your identity'],
    ['imports', ['title'], 'addImports'],
    ['zzz', ['title', 'goal'], 'Allowed here: title, goal'],
  ])('%s among %j says %j', (key, allowed, hint) => {
    expect(unknownFieldMessage(key, allowed)).toContain(hint);
    expect(unknownFieldMessage(key, allowed)).toContain(`"${key}"`);
  });

  it('are reported at their own path, nested ones too, all in one answer', async () => {
    const h = await connectInMemory();
    const answer = await call(h.client, 'createMission', {
      title: 'T', goal: 'G', cron: '0 9 * * *', schedule: { type: 'cron', value: '0 9 * * *', nextRun: 'x' }, plan: { kpis: [{ metric: 'm', goal: 3 }] },
    });
    expect(answer.body.error.code).toBe('invalid_request');
    const byPath = Object.fromEntries(answer.body.error.issues.map((i: { path: string; message: string }) => [i.path, i.message]));
    expect(Object.keys(byPath).sort()).toEqual(['cron', 'plan.kpis.0.goal', 'schedule.nextRun']);
    expect(byPath.cron).toContain('schedule');
    expect(byPath['schedule.nextRun']).toContain('computed by the server');
    expect(byPath['plan.kpis.0.goal']).toContain('Allowed here: metric, target, platform, current');
    await h.close();
  });
});

describe('error messages an agent can act on', () => {
  it('a bad value inside "one status or a list" is reported at its index, a bad scalar lists the choices', async () => {
    const h = await connectInMemory();
    const inList = await call(h.client, 'listMissions', { status: ['active', 'bogus'] });
    expect(inList.body.error).toMatchObject({ code: 'invalid_request', param: 'status.1' });
    expect(inList.body.error.issues[0].message).toContain('"archived"');
    const scalar = await call(h.client, 'listMissions', { status: 'bogus' });
    expect(scalar.body.error.param).toBe('status');
    expect(scalar.body.error.issues[0].message).toContain('"pending"');
    expect(scalar.body.error.issues[0].message).toContain('array');
    const empty = await call(h.client, 'createMission', { title: '   ', goal: 'G' });
    expect(empty.body.error.issues).toEqual([{ path: 'title', message: 'Must not be empty' }]);
    await h.close();
  });
});

describe('ids', () => {
  it('are never reused: a generated id that already exists is drawn again', async () => {
    const ids = ['msn_AAAAAAAAAAAAAAAAAAAA', 'msn_AAAAAAAAAAAAAAAAAAAA', 'msn_AAAAAAAAAAAAAAAAAAAA', 'msn_BBBBBBBBBBBBBBBBBBBB'];
    const h = await connectInMemory({ newMissionId: () => ids.shift()! });
    const first = await call(h.client, 'createMission', { title: 'one', goal: 'G' });
    const second = await call(h.client, 'createMission', { title: 'two', goal: 'G' });
    expect(first.body.mission.id).toBe('msn_AAAAAAAAAAAAAAAAAAAA');
    expect(second.body.mission.id).toBe('msn_BBBBBBBBBBBBBBBBBBBB');
    await h.close();
  });
});

describe('malformed tools/call requests', () => {
  it('a call without a tool name is -32602 Invalid params naming the tools, not a bare internal error', async () => {
    const h = await connectInMemory();
    for (const params of [{}, { name: 5 }, { arguments: { title: 'T' } }]) {
      const error = await h.client.request({ method: 'tools/call', params } as never, CallToolResultSchema).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, JSON.stringify(params)).toBeInstanceOf(McpError);
      expect((error as McpError).code, JSON.stringify(params)).toBe(ErrorCode.InvalidParams);
      expect((error as McpError).message).toMatch(/needs params\.name.*createMission/);
    }
    // Arguments that are not an object are the tool's business: a tool error the model can read.
    for (const args of [5, null, 'x', [1]]) {
      const answer = await h.client.request({ method: 'tools/call', params: { name: 'getMission', arguments: args } } as never, CallToolResultSchema);
      expect(answer.isError, JSON.stringify(args)).toBe(true);
      expect(JSON.parse((answer.content[0] as { text: string }).text).error.code).toBe('invalid_request');
    }
    // tools/call is served by the SDK's public fallbackRequestHandler: every other unknown method is
    // still "Method not found"
    for (const method of ['prompts/list', 'no/such/method']) {
      const error = await h.client.request({ method, params: {} } as never, CallToolResultSchema).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as McpError).code, method).toBe(ErrorCode.MethodNotFound);
    }
    await h.close();
  });
});
