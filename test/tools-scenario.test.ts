// One end-to-end scenario over every tool, run twice: against the server in memory and against the
// built bin over stdio with a JSON file store. It covers each tool's success and every error code each
// tool can give the local user (forbidden needs other identities: tools-access.test.ts), the result
// format (minified JSON text equal to structuredContent), the error format (SPEC §7) and "a failed
// call changes nothing".
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connectInMemory, connectStdio, tempDir, type Harness, type ToolAnswer } from './helpers.js';
import { connectSse, connectStreamable, spawnHttp } from './http-helpers.js';
import { freshDatabase } from './pg/db.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ID = /^msn_[A-Za-z0-9]{16,}$/;

/** A successful answer: structuredContent, and the same data as minified JSON text. */
function expectSuccess(answer: ToolAnswer, what: string): any {
  expect(answer.isError, `${what}: ${answer.text}`).toBe(false);
  expect(answer.raw.structuredContent, `${what}: structuredContent`).toBeTypeOf('object');
  expect(JSON.parse(answer.text), `${what}: text equals structuredContent`).toEqual(answer.raw.structuredContent);
  // minified: exactly what JSON.stringify writes without indentation
  expect(answer.text, `${what}: minified text`).toBe(JSON.stringify(JSON.parse(answer.text)));
  expect(answer.text).not.toMatch(/\n/);
  return answer.body;
}

/** A failed answer in the SPEC §7 shape; returns the error object. */
function expectError(answer: ToolAnswer, code: string, what: string, param?: string): { code: string; message: string; param?: string; issues?: { path: string; message: string }[] } {
  expect(answer.isError, `${what}: isError (got ${answer.text})`).toBe(true);
  expect(answer.raw.content).toHaveLength(1);
  expect(answer.raw.content[0]!.type).toBe('text');
  const body = JSON.parse(answer.text);
  expect(Object.keys(body), `${what}: body`).toEqual(['error']);
  const error = body.error;
  expect(error.code, `${what}: code (${answer.text})`).toBe(code);
  expect(typeof error.message, `${what}: message`).toBe('string');
  expect(error.message.length).toBeGreaterThan(10);
  for (const key of Object.keys(error)) expect(['code', 'message', 'param', 'issues'], `${what}: key ${key}`).toContain(key);
  // no stack trace, no source locations
  expect(error.message, `${what}: no stack`).not.toMatch(/\n\s*at\s|\bat .*\(.*:\d+:\d+\)|\.(ts|js):\d+/);
  if (param !== undefined) expect(error.param, `${what}: param (${answer.text})`).toBe(param);
  if (error.issues !== undefined) {
    expect(Array.isArray(error.issues)).toBe(true);
    for (const issue of error.issues) {
      expect(typeof issue.path).toBe('string');
      expect(typeof issue.message).toBe('string');
    }
    if (error.issues.length > 0) expect(error.param).toBe(error.issues[0].path);
  }
  return error;
}

const paths = (error: { issues?: { path: string }[] }) => (error.issues ?? []).map((i) => i.path);

interface Extras {
  /** Breaks the store and returns a function that repairs it (stdio with a file store only). */
  corruptStore?: () => () => void;
}

async function scenario(client: Client, extras: Extras = {}): Promise<void> {
  const get = async (id: string) => expectSuccess(await call(client, 'getMission', { id, mode: 'full' }), 'getMission').mission;

  // ── createMission, full mode, with only the required fields: every §2 default is present ─────────
  const minimal = expectSuccess(await call(client, 'createMission', { title: '  Weekly digest  ', goal: 'Summarise the week.' }), 'create minimal').mission;
  expect(minimal.id).toMatch(ID);
  expect(minimal).toMatchObject({
    title: 'Weekly digest',
    goal: 'Summarise the week.',
    icon: '🎯',
    status: 'pending',
    agentType: 'claude',
    visibility: 'private',
    spaceId: null,
    characterId: null,
    owner: { user: 'local', org: null },
    startsAt: null,
    endsAt: null,
    pausedAt: null,
    imports: [],
  });
  expect(minimal.schedule).toEqual({ type: 'none', value: null, timezone: 'UTC', maxRuns: null, lastRun: null, nextRun: null, runCount: 0 });
  expect(minimal.stats).toEqual({ leads: 0, contacted: 0, replied: 0 });
  expect(minimal.brief).toEqual({ targetAudience: null, desiredAction: null, ctaUrl: null, toneInstructions: null, exampleMessages: [], offer: null });
  expect(minimal.plan).toEqual({
    objectives: [],
    platforms: [],
    constraints: { tone: null, cadence: null, postsPerDay: null, postingTimes: [], timezone: null, requireApproval: null, budgetCents: null, excludedTopics: [] },
    kpis: [],
  });
  expect(minimal.createdAt).toMatch(ISO);
  expect(minimal.updatedAt).toBe(minimal.createdAt);
  expect(Object.keys(minimal).sort()).toEqual(
    ['agentType', 'brief', 'characterId', 'createdAt', 'endsAt', 'goal', 'icon', 'id', 'imports', 'origin', 'owner', 'pausedAt', 'plan', 'queuedRun', 'schedule', 'spaceId', 'startsAt', 'stats', 'status', 'title', 'updatedAt', 'visibility'],
  );

  // ── createMission, full mode, with everything ──────────────────────────────────────────────────
  const rich = expectSuccess(
    await call(client, 'createMission', {
      title: 'Logistics outreach',
      goal: 'Reach heads of operations at logistics companies and offer the audit.',
      icon: '📬',
      spaceId: 'space_sales',
      characterId: 'char_sdr',
      agentType: 'gemini',
      visibility: 'organization',
      schedule: { type: 'cron', value: '0 9 * * 1-5', timezone: 'Europe/Paris', maxRuns: 10 },
      brief: {
        targetAudience: 'Heads of operations',
        desiredAction: 'Book an audit',
        ctaUrl: 'https://example.com/audit',
        toneInstructions: 'Warm, brief',
        exampleMessages: ['Hi there'],
        offer: { id: 'off_1', name: 'Route audit', summary: '20 minutes', landingPageUrl: 'https://example.com/offer' },
      },
      plan: {
        objectives: ['Book 10 audits'],
        platforms: ['LinkedIn'],
        constraints: { tone: 'friendly', postsPerDay: 2, postingTimes: ['09:30'], timezone: 'Europe/Paris', requireApproval: true },
        kpis: [{ metric: 'audits', target: 10 }],
      },
      startsAt: '2020-01-01T00:00:00Z',
      endsAt: '2999-01-01T00:00:00+01:00',
      stats: { leads: 12, meetings: 2 },
      mode: 'full',
    }),
    'create rich',
  ).mission;
  expect(rich).toMatchObject({
    icon: '📬',
    spaceId: 'space_sales',
    characterId: 'char_sdr',
    agentType: 'gemini',
    visibility: 'organization',
    startsAt: '2020-01-01T00:00:00.000Z',
    endsAt: '2998-12-31T23:00:00.000Z',
    stats: { leads: 12, contacted: 0, replied: 0, meetings: 2 },
    brief: { ctaUrl: 'https://example.com/audit', offer: { id: 'off_1', name: 'Route audit', summary: '20 minutes', landingPageUrl: 'https://example.com/offer' } },
    plan: { platforms: ['LinkedIn'], kpis: [{ metric: 'audits', target: 10, platform: null, current: null }] },
  });
  expect(rich.plan.constraints).toMatchObject({ tone: 'friendly', cadence: null, postsPerDay: 2, postingTimes: ['09:30'], budgetCents: null, excludedTopics: [] });
  expect(rich.schedule).toMatchObject({ type: 'cron', value: '0 9 * * 1-5', timezone: 'Europe/Paris', maxRuns: 10, runCount: 0, lastRun: null });
  expect(rich.schedule.nextRun).toMatch(ISO);
  expect(Date.parse(rich.schedule.nextRun)).toBeGreaterThan(Date.now() - 60_000);
  expect(rich.id).not.toBe(minimal.id);

  // ── createMission, compact mode: only what is set, goal as an excerpt, brief/plan as notes ───────
  const longGoal = `${'Write one helpful post about scheduling APIs for developers. '.repeat(10)}End.`;
  const compact = expectSuccess(
    await call(client, 'createMission', {
      title: 'Content sprint',
      goal: longGoal,
      schedule: { type: 'continuous' },
      plan: { platforms: ['x'], objectives: ['Grow'] },
      mode: 'compact',
    }),
    'create compact',
  ).mission;
  expect(compact.id).toMatch(ID);
  expect(compact).toMatchObject({ title: 'Content sprint', status: 'pending', schedule: { type: 'continuous' } });
  expect(compact.goal.length).toBeLessThan(longGoal.length);
  expect(longGoal.startsWith(compact.goal.replace(/…$/, ''))).toBe(true);
  expect(compact.nextRun).toMatch(ISO);
  for (const absent of ['owner', 'createdAt', 'updatedAt', 'icon', 'visibility', 'agentType', 'spaceId', 'imports', 'brief', 'pausedAt', 'stats']) {
    expect(compact, `compact has no ${absent}`).not.toHaveProperty(absent);
  }
  expect(JSON.stringify(compact)).not.toContain('null');
  expect(Array.isArray(compact.plan)).toBe(true);
  // the mission itself is complete: compact is only a view
  const compactFull = await get(compact.id);
  expect(compactFull.goal).toBe(longGoal);
  expect(compactFull.plan.platforms).toEqual(['x']);

  // ── createMission: invalid_request, every issue with its path ───────────────────────────────────
  const countBefore = expectSuccess(await call(client, 'listMissions', {}), 'list').total;
  let error = expectError(
    await call(client, 'createMission', {
      title: 'Bad',
      goal: 'Bad',
      schedule: { type: 'cron', value: '61 * * * *' },
      brief: { ctaUrl: 'ftp://x' },
      plan: { kpis: [{ target: 3 }] },
    }),
    'invalid_request',
    'create with three problems',
  );
  expect(paths(error)).toEqual(expect.arrayContaining(['schedule.value', 'brief.ctaUrl', 'plan.kpis.0.metric']));
  expect(error.issues!.find((i) => i.path === 'schedule.value')!.message).toContain('61 * * * *');
  expect(error.issues!.find((i) => i.path === 'brief.ctaUrl')!.message).toMatch(/http/);

  error = expectError(await call(client, 'createMission', { title: 'Bad', goal: 'g', schedule: { type: 'cron', value: '61 * * * *' } }), 'invalid_request', 'bad cron', 'schedule.value');
  expect(error.message).toContain('schedule.value');

  error = expectError(
    await call(client, 'createMission', { title: 'Bad', goal: 'g', schedule: { type: 'cron', value: '0 9 * * *', timezone: 'Mars/Base' } }),
    'invalid_request',
    'bad timezone',
    'schedule.timezone',
  );
  expect(error.issues!.find((i) => i.path === 'schedule.timezone')!.message).toMatch(/IANA|time ?zone/i);

  error = expectError(await call(client, 'createMission', { name: 'Bad', goal: 'g' }), 'invalid_request', 'unknown field name');
  expect(paths(error)).toContain('name');
  expect(error.issues!.find((i) => i.path === 'name')!.message).toContain('name');
  expect(error.issues!.find((i) => i.path === 'name')!.message).toContain('title');
  // the missing title is reported too
  expect(paths(error)).toContain('title');

  error = expectError(await call(client, 'createMission', { title: 'x', goal: 'g', owner: { user: 'mallory', org: null } }), 'invalid_request', 'owner in input', 'owner');
  error = expectError(await call(client, 'createMission', { title: 'x', goal: 'g', schedule: { type: 'cron', value: '* * * * *', nextRun: '2030-01-01T00:00:00Z' } }), 'invalid_request', 'nextRun in input', 'schedule.nextRun');
  error = expectError(await call(client, 'createMission', { title: '   ', goal: 'g' }), 'invalid_request', 'blank title', 'title');
  error = expectError(await call(client, 'createMission', { title: 'x', goal: 'g', status: 'running' }), 'invalid_request', 'create running', 'status');
  error = expectError(await call(client, 'createMission', { title: 'x', goal: 'g', icon: 'ab' }), 'invalid_request', 'icon not an emoji', 'icon');
  error = expectError(await call(client, 'createMission', { title: 'x', goal: 'g', stats: { leads: -1 } }), 'invalid_request', 'negative counter', 'stats.leads');
  error = expectError(
    await call(client, 'createMission', { title: 'x', goal: 'g', endsAt: '2030-01-01T00:00:00Z', durationDays: 3 }),
    'invalid_request',
    'endsAt and durationDays',
  );
  error = expectError(await call(client, 'createMission', { title: 'x', goal: 'g', mode: 'tiny' }), 'invalid_request', 'bad mode', 'mode');
  // nothing was created by any failed call
  expect(expectSuccess(await call(client, 'listMissions', {}), 'list').total).toBe(countBefore);

  // ── getMission ───────────────────────────────────────────────────────────────────────────────────
  const got = expectSuccess(await call(client, 'getMission', { id: rich.id }), 'get (default mode full)').mission;
  expect(got).toEqual(rich);
  const gotCompact = expectSuccess(await call(client, 'getMission', { id: rich.id, mode: 'compact' }), 'get compact').mission;
  expect(gotCompact).toMatchObject({ id: rich.id, title: rich.title, status: 'pending', icon: '📬', agentType: 'gemini', visibility: 'organization', spaceId: 'space_sales' });
  expect(gotCompact.stats).toEqual({ leads: 12, meetings: 2 });
  expect(gotCompact.brief).toEqual(expect.arrayContaining(['targetAudience', 'ctaUrl', 'offer']));
  expect(gotCompact).not.toHaveProperty('owner');
  const missingId = 'msn_AAAAAAAAAAAAAAAAAAAA';
  error = expectError(await call(client, 'getMission', { id: missingId }), 'not_found', 'get missing', 'id');
  expect(error.message).toMatch(/not found/i);
  error = expectError(await call(client, 'getMission', { id: 'mission-1' }), 'invalid_request', 'get bad id', 'id');
  error = expectError(await call(client, 'getMission', {}), 'invalid_request', 'get without id', 'id');
  error = expectError(await call(client, 'getMission', { id: rich.id, missionId: rich.id }), 'invalid_request', 'get unknown field', 'missionId');

  // ── listMissions ─────────────────────────────────────────────────────────────────────────────────
  const list = expectSuccess(await call(client, 'listMissions', { mode: 'full' }), 'list full');
  expect(list.total).toBe(3);
  expect(list.hasMore).toBe(false);
  expect(list.nextCursor).toBeNull();
  // createdAt desc by default: the newest first (ties broken by id, so compare as a set when equal)
  expect(new Set(list.missions.map((m: any) => m.id))).toEqual(new Set([minimal.id, rich.id, compact.id]));
  expect(list.missions.find((m: any) => m.id === rich.id)).toEqual(rich);
  const listCompact = expectSuccess(await call(client, 'listMissions', { mode: 'compact', limit: 2 }), 'list compact');
  expect(listCompact.total).toBe(3);
  expect(listCompact.hasMore).toBe(true);
  expect(listCompact.nextCursor).toEqual(expect.any(String));
  for (const item of listCompact.missions) {
    expect(Object.keys(item).every((k) => ['id', 'title', 'status', 'nextRun'].includes(k))).toBe(true);
  }
  const page2 = expectSuccess(await call(client, 'listMissions', { mode: 'compact', limit: 2, cursor: listCompact.nextCursor }), 'list page 2');
  expect(page2.missions).toHaveLength(1);
  expect(page2.hasMore).toBe(false);
  expect(page2.nextCursor).toBeNull();
  const searched = expectSuccess(await call(client, 'listMissions', { query: 'LOGISTICS', agentType: 'gemini' }), 'list query');
  expect(searched.missions.map((m: any) => m.id)).toEqual([rich.id]);
  expectError(await call(client, 'listMissions', { limit: 0 }), 'invalid_request', 'list limit 0', 'limit');
  expectError(await call(client, 'listMissions', { limit: 101 }), 'invalid_request', 'list limit 101', 'limit');
  expectError(await call(client, 'listMissions', { status: 'running-ish' }), 'invalid_request', 'list bad status', 'status');
  expectError(await call(client, 'listMissions', { dueBefore: 'tomorrow' }), 'invalid_request', 'list bad dueBefore', 'dueBefore');
  expectError(await call(client, 'listMissions', { cursor: 'garbage!!' }), 'invalid_request', 'list garbage cursor', 'cursor');
  expectError(await call(client, 'listMissions', { limit: 2, cursor: listCompact.nextCursor, status: 'pending' }), 'invalid_request', 'list cursor other filters', 'cursor');
  error = expectError(await call(client, 'listMissions', { search: 'x' }), 'invalid_request', 'list unknown field', 'search');
  expect(error.issues![0]!.message).toContain('query');

  // ── updateMission ────────────────────────────────────────────────────────────────────────────────
  let answer = await call(client, 'updateMission', { id: minimal.id, title: 'Weekly digest v2', stats: { leads: 3 }, spaceId: 'space_x' });
  let updated = expectSuccess(answer, 'update');
  expect([...updated.updated].sort()).toEqual(['spaceId', 'stats', 'title']);
  expect(updated.mission).toMatchObject({ id: minimal.id, title: 'Weekly digest v2', spaceId: 'space_x', stats: { leads: 3, contacted: 0, replied: 0 } });
  expect(Date.parse(updated.mission.updatedAt)).toBeGreaterThanOrEqual(Date.parse(minimal.updatedAt));
  expect(updated.mission.createdAt).toBe(minimal.createdAt);
  // the same change again changes nothing
  updated = expectSuccess(await call(client, 'updateMission', { id: minimal.id, title: 'Weekly digest v2' }), 'update no-op');
  expect(updated.updated).toEqual([]);
  // compact mode
  updated = expectSuccess(await call(client, 'updateMission', { id: minimal.id, spaceId: null, mode: 'compact' }), 'update compact');
  expect(updated.updated).toEqual(['spaceId']);
  expect(updated.mission).not.toHaveProperty('spaceId');
  expect(updated.mission).not.toHaveProperty('owner');

  // a failed update changes nothing, even when part of it was fine
  let before = await get(minimal.id);
  error = expectError(
    await call(client, 'updateMission', { id: minimal.id, title: 'Should not stick', schedule: { type: 'cron', value: '61 * * * *' } }),
    'invalid_request',
    'update bad cron',
    'schedule.value',
  );
  expect(await get(minimal.id)).toEqual(before);
  error = expectError(
    await call(client, 'updateMission', { id: minimal.id, title: 'Should not stick', schedule: { timezone: 'Mars/Base' } }),
    'invalid_request',
    'update bad timezone',
    'schedule.timezone',
  );
  expect(await get(minimal.id)).toEqual(before);
  error = expectError(await call(client, 'updateMission', { id: minimal.id, title: 'Nope', owner: { user: 'x', org: null } }), 'invalid_request', 'update owner', 'owner');
  expect(await get(minimal.id)).toEqual(before);
  error = expectError(await call(client, 'updateMission', { id: minimal.id, brief: { ctaUrl: 'ftp://x' }, plan: { kpis: [{ metric: '' }] } }), 'invalid_request', 'update nested', 'brief.ctaUrl');
  expect(paths(error)).toEqual(['brief.ctaUrl', 'plan.kpis.0.metric']);
  expect(await get(minimal.id)).toEqual(before);
  error = expectError(await call(client, 'updateMission', { id: minimal.id, endsAt: '2000-01-01T00:00:00Z', startsAt: '2001-01-01T00:00:00Z' }), 'invalid_request', 'update endsAt before startsAt', 'endsAt');
  expect(await get(minimal.id)).toEqual(before);
  expectError(await call(client, 'updateMission', { id: missingId, title: 'x' }), 'not_found', 'update missing', 'id');
  expectError(await call(client, 'updateMission', { title: 'x' }), 'invalid_request', 'update without id', 'id');

  // conflict: archived → running is not allowed; the message lists what is
  expectSuccess(await call(client, 'updateMission', { id: minimal.id, status: 'archived' }), 'archive');
  before = await get(minimal.id);
  expect(before.status).toBe('archived');
  expect(before.schedule.nextRun).toBeNull();
  error = expectError(await call(client, 'updateMission', { id: minimal.id, status: 'running', title: 'Not this either' }), 'conflict', 'archived → running', 'status');
  expect(error.message).toContain('archived');
  expect(error.message).toContain('running');
  expect(error.message).toMatch(/pending/);
  expect(await get(minimal.id)).toEqual(before);
  // restore
  updated = expectSuccess(await call(client, 'updateMission', { id: minimal.id, status: 'pending' }), 'restore');
  expect(updated.updated).toContain('status');
  expect(updated.mission.status).toBe('pending');

  // ── pauseMission / resumeMission ─────────────────────────────────────────────────────────────────
  const paused = expectSuccess(await call(client, 'pauseMission', { id: rich.id }), 'pause').mission;
  expect(paused.status).toBe('paused');
  expect(paused.pausedAt).toMatch(ISO);
  expect(paused.schedule.nextRun).toBeNull();
  const pausedAgain = expectSuccess(await call(client, 'pauseMission', { id: rich.id }), 'pause again').mission;
  expect(pausedAgain).toEqual(paused);
  const pausedCompact = expectSuccess(await call(client, 'pauseMission', { id: rich.id, mode: 'compact' }), 'pause compact').mission;
  expect(pausedCompact).toMatchObject({ id: rich.id, status: 'paused', pausedAt: paused.pausedAt });
  expect(pausedCompact).not.toHaveProperty('nextRun');
  const resumed = expectSuccess(await call(client, 'resumeMission', { id: rich.id }), 'resume').mission;
  expect(resumed.status).toBe('pending');
  expect(resumed.pausedAt).toBeNull();
  expect(resumed.schedule.nextRun).toMatch(ISO);
  expect(Date.parse(resumed.endsAt)).toBeGreaterThanOrEqual(Date.parse(rich.endsAt));
  const resumedCompact = expectSuccess(await call(client, 'resumeMission', { id: rich.id, mode: 'compact' }), 'resume compact (no-op)').mission;
  expect(resumedCompact).toMatchObject({ id: rich.id, status: 'pending' });
  // pausing a completed mission is a conflict
  expectSuccess(await call(client, 'updateMission', { id: compact.id, status: 'completed' }), 'complete');
  before = await get(compact.id);
  error = expectError(await call(client, 'pauseMission', { id: compact.id }), 'conflict', 'pause completed', 'id'); // pauseMission takes no status: the mission named by id is what cannot change
  expect(error.message).toMatch(/pending/);
  expect(error.message).toMatch(/archived/);
  expect(await get(compact.id)).toEqual(before);
  expectError(await call(client, 'pauseMission', { id: missingId }), 'not_found', 'pause missing', 'id');
  expectError(await call(client, 'resumeMission', { id: missingId }), 'not_found', 'resume missing', 'id');
  expectError(await call(client, 'pauseMission', { id: 'nope' }), 'invalid_request', 'pause bad id', 'id');
  expectError(await call(client, 'resumeMission', { id: rich.id, force: true }), 'invalid_request', 'resume unknown field', 'force');

  // ── deleteMission ────────────────────────────────────────────────────────────────────────────────
  const running = expectSuccess(await call(client, 'updateMission', { id: rich.id, status: 'running' }), 'start a run').mission;
  expect(running.status).toBe('running');
  expect(running.schedule.runCount).toBe(1);
  error = expectError(await call(client, 'deleteMission', { id: rich.id }), 'conflict', 'delete running', 'force');
  expect(error.message).toMatch(/force/);
  expect(await get(rich.id)).toEqual(running);
  expectError(await call(client, 'deleteMission', { id: rich.id, force: 'yes' }), 'invalid_request', 'delete force not boolean', 'force');
  expect(await get(rich.id)).toEqual(running);
  const deleted = expectSuccess(await call(client, 'deleteMission', { id: rich.id, force: true }), 'delete running with force');
  expect(deleted).toEqual({ id: rich.id, deleted: true });
  expectError(await call(client, 'deleteMission', { id: rich.id, force: true }), 'not_found', 'delete again', 'id');
  expectError(await call(client, 'getMission', { id: rich.id }), 'not_found', 'get deleted', 'id');
  expect(expectSuccess(await call(client, 'deleteMission', { id: compact.id }), 'delete completed')).toEqual({ id: compact.id, deleted: true });
  expectError(await call(client, 'deleteMission', { id: 'msn_short' }), 'invalid_request', 'delete bad id', 'id');
  const remaining = expectSuccess(await call(client, 'listMissions', {}), 'list after deletes');
  expect(remaining.total).toBe(1);
  expect(remaining.missions.map((m: any) => m.id)).toEqual([minimal.id]);

  // ── store_error: a corrupt store is reported, not overwritten (file store only) ───────────────────
  if (extras.corruptStore) {
    const repair = extras.corruptStore();
    const attempts: [string, Record<string, unknown>][] = [
      ['getMission', { id: minimal.id }],
      ['listMissions', {}],
      ['createMission', { title: 'x', goal: 'y' }],
      ['updateMission', { id: minimal.id, title: 'z' }],
      ['pauseMission', { id: minimal.id }],
      ['resumeMission', { id: minimal.id }],
      ['deleteMission', { id: minimal.id }],
    ];
    for (const [tool, args] of attempts) {
      const e = expectError(await call(client, tool, args), 'store_error', `${tool} on a corrupt store`);
      expect(e.message).toMatch(/missions\.json/);
    }
    repair();
    expect((await get(minimal.id)).title).toBe('Weekly digest v2');
  }
}

const transports: [string, () => Promise<Harness & { extras: Extras; cleanup: () => void }>][] = [
  [
    'in memory',
    async () => {
      const h = await connectInMemory();
      return { ...h, extras: {}, cleanup: () => undefined };
    },
  ],
  [
    'over stdio with a JSON file store',
    async () => {
      const tmp = tempDir();
      const store = join(tmp.dir, 'missions.json');
      const h = await connectStdio(['--store', store]);
      const corruptStore = () => {
        const good = readFileSync(store, 'utf8');
        writeFileSync(store, `${good.slice(0, Math.floor(good.length / 2))}<<<garbage`);
        return () => writeFileSync(store, good);
      };
      return { ...h, extras: { corruptStore }, cleanup: tmp.cleanup };
    },
  ],
];

/** The scenario over HTTP: the built bin with a JSON file store, no tokens (the local user on loopback). */
function overHttp(connect: (origin: string) => Promise<Harness>): () => Promise<Harness & { extras: Extras; cleanup: () => void }> {
  return async () => {
    const tmp = tempDir();
    const store = join(tmp.dir, 'missions.json');
    const server = await spawnHttp(['--store', store]);
    const h = await connect(server.origin);
    const corruptStore = () => {
      const good = readFileSync(store, 'utf8');
      writeFileSync(store, `${good.slice(0, Math.floor(good.length / 2))}<<<garbage`);
      return () => writeFileSync(store, good);
    };
    return {
      ...h,
      extras: { corruptStore },
      close: async () => {
        await h.close();
        expect(await server.stop()).toBe(0);
      },
      cleanup: tmp.cleanup,
    };
  };
}
transports.push(['over Streamable HTTP with a JSON file store', overHttp(connectStreamable)]);
transports.push([
  'over stdio with a PostgreSQL store',
  async () => {
    const h = await connectStdio(['--store', await freshDatabase('scenario')]);
    return { ...h, extras: {}, cleanup: () => undefined };
  },
]);
transports.push(['over legacy HTTP+SSE with a JSON file store', overHttp(connectSse)]);

describe.each(transports)('every tool, %s', (_name, connect) => {
  let h: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    h = await connect();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    h?.cleanup();
  });

  it('runs the scenario: successes, every error code, minified text, failed calls change nothing', async () => {
    await scenario(h.client, h.extras);
  }, 120_000);
});
