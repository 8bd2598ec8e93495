// Issue 19: the Tasks extension (SEP-2663) for runMission, against the built bin with its embedded
// runner (`serve --runner`) and the stub agent of runner-helpers.ts. A client that declares
// io.modelcontextprotocol/tasks gets a task; tasks/get follows the run to its record; tasks/cancel
// pauses the mission, which stops the agent and records the run `cancelled` (SPEC §12). Without the
// extension runMission answers at once as before, and tasks/* are refused with -32021.
// The client is the wire itself (fetch): SDK v2's client (2.4.0) does not implement the extension and
// refuses a `task` result ("Unsupported result type 'task' for tools/call"). Every task message we
// answer is checked against the extension's own generated schemas (@modelcontextprotocol/ext-tasks).
import { CancelTaskResultV2Schema, CreateTaskResultV2Schema, GetTaskResultV2Schema } from '@modelcontextprotocol/ext-tasks/core/v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHttp, type HttpServerProcess } from './http-helpers.js';
import { TASKS_EXTENSION, postModern } from './modern-helpers.js';
import { killStubs, pidAlive, runnerFixture } from './runner-helpers.js';
import { waitFor } from './wait.js';

const fx = runnerFixture('missions-tasks-');
let server: HttpServerProcess;
const withTasks = { extensions: { [TASKS_EXTENSION]: {} } };
let nextId = 100;

beforeAll(async () => {
  server = await spawnHttp(['--store', fx.storeFile, '--runner', '--agents', fx.writeAgents()]);
});

afterAll(async () => {
  killStubs(fx.events());
  expect(await server.stop()).toBe(0);
  fx.cleanup();
});

/** The extension's schema for each answer we check (tasks/* results, and a task from tools/call). */
const WIRE = { 'tasks/get': GetTaskResultV2Schema, 'tasks/cancel': CancelTaskResultV2Schema } as Record<string, { parse(v: unknown): unknown }>;
let validated = 0;

async function rpc(method: string, params: Record<string, unknown>, capabilities: Record<string, unknown> = withTasks): Promise<any> {
  const answer = await postModern(server.origin, { id: nextId++, method, params }, {}, capabilities);
  const result = answer.body?.result;
  const schema = result?.resultType === 'task' ? CreateTaskResultV2Schema : WIRE[method];
  if (result && schema) {
    schema.parse(result);
    validated += 1;
  }
  return answer.body;
}
const tool = async (name: string, args: Record<string, unknown>, capabilities?: Record<string, unknown>) => (await rpc('tools/call', { name, arguments: args }, capabilities)).result;

describe('runMission as a task (SEP-2663)', () => {
  it('a Tasks client waits for the run: working, then completed with the run record as the result', async () => {
    const { mission } = (await tool('createMission', { title: 'Task run', goal: 'stub:sleep=300' })).structuredContent;
    const task = await tool('runMission', { id: mission.id });
    expect(task).toMatchObject({ resultType: 'task', status: 'working', taskId: expect.stringMatching(/^task_msn_/), ttlMs: null, pollIntervalMs: expect.any(Number) });
    // durably created: tasks/get resolves at once, on any instance (nothing is kept in memory)
    expect((await rpc('tasks/get', { taskId: task.taskId })).result).toMatchObject({ resultType: 'complete', taskId: task.taskId, status: 'working' });
    const done = await waitFor('the task to complete', async () => {
      const got = (await rpc('tasks/get', { taskId: task.taskId })).result;
      return got.status === 'completed' ? got : undefined;
    });
    const run = done.result.structuredContent.run;
    expect(run).toMatchObject({ missionId: mission.id, status: 'succeeded', trigger: 'manual', exitCode: 0 });
    expect(run.output).toContain('stub says hello');
    expect(JSON.parse(done.result.content[0].text)).toEqual(done.result.structuredContent);
    expect(fx.starts().filter((e) => e.mission === mission.id)).toHaveLength(1);
  });

  it('cancelling the task cancels the run: the agent is stopped and the run recorded cancelled', async () => {
    const { mission } = (await tool('createMission', { title: 'Task cancel', goal: 'stub:sleep=60000' })).structuredContent;
    const task = await tool('runMission', { id: mission.id });
    const started = await waitFor('the agent to start', () => fx.starts().find((e) => e.mission === mission.id));
    await waitFor('tasks/get to name the running run', async () => /is running/.test((await rpc('tasks/get', { taskId: task.taskId })).result.statusMessage ?? ''));
    expect((await rpc('tasks/cancel', { taskId: task.taskId })).result).toEqual(expect.objectContaining({ resultType: 'complete' }));
    const cancelled = await waitFor('the task to be cancelled', async () => {
      const got = (await rpc('tasks/get', { taskId: task.taskId })).result;
      return got.status === 'cancelled' ? got : undefined;
    });
    expect(cancelled.result).toBeUndefined();
    await waitFor('the agent to be stopped', () => !pidAlive(started.pid));
    const { runs } = (await tool('listRuns', { missionId: mission.id })).structuredContent;
    expect(runs.map((r: { status: string }) => r.status)).toEqual(['cancelled']);
    expect((await tool('getMission', { id: mission.id })).structuredContent.mission.status).toBe('paused');
  });

  it('without the extension runMission answers at once as before, and tasks/get is refused with -32021', async () => {
    const { mission } = (await tool('createMission', { title: 'No tasks', goal: 'stub:sleep=10' }, {})).structuredContent;
    const answer = await tool('runMission', { id: mission.id }, {});
    expect(answer.resultType).not.toBe('task');
    expect(answer.structuredContent.mission).toMatchObject({ id: mission.id, status: 'pending' });
    const refused = await rpc('tasks/get', { taskId: `task_${mission.id}_0_${'0'.repeat(32)}` }, {});
    expect(refused.error).toMatchObject({ code: -32021, data: { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } } });
  });

  it('every task answer above matched the extension\'s own schemas', () => {
    expect(validated).toBeGreaterThan(6);
  });

  it('a task id that names no task, or a mission the caller may not see, is -32602', async () => {
    expect((await rpc('tasks/get', { taskId: 'nope' })).error.code).toBe(-32602);
    expect((await rpc('tasks/get', { taskId: `task_msn_AAAAAAAAAAAAAAAAAAAA_0_${'0'.repeat(32)}` })).error.code).toBe(-32602);
  });
});
