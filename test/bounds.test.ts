// Issue 9, sizes: one mission is bounded in bytes (--max-mission-bytes), one token principal in how
// many missions it keeps (--max-missions-per-owner). What a caller notices: the error names the limit,
// the size and what to shorten (or delete), and nothing reaches the store.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { LOCAL_USER, type Identity } from '../src/mission/access.js';
import { openJsonFileStore, openMemoryStore } from '../src/store/index.js';
import type { MissionStore } from '../src/store/types.js';
import { maximalMissionInput } from './fixtures/maximal.js';
import { call, connectInMemory, ok, tempDir, type Harness } from './helpers.js';

const temp = tempDir('missions-bounds-');
afterAll(() => temp.cleanup());
let n = 0;
const fresh = (name: string) => join(temp.dir, `${++n}-${name}`);
const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close().catch(() => undefined)));
});
async function client(options: Parameters<typeof connectInMemory>[0]) {
  const h = await connectInMemory(options);
  open.push(h);
  return h.client;
}

const ALICE: Identity = { kind: 'token', user: 'alice', org: 'acme' };

describe('one mission is bounded in bytes', () => {
  it('a maximal mission of three-byte characters is refused at the default 256 KB: invalid_request names the limit, the size and the largest parts; no file is written', async () => {
    const file = fresh('max.json');
    const c = await client({ store: openJsonFileStore(file) });
    const answer = await call(c, 'createMission', maximalMissionInput('語'));
    expect(answer.isError).toBe(true);
    const { error } = answer.body;
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain('256 KB');
    expect(error.message).toMatch(/would take [\d,]+ bytes/);
    expect(error.message).toContain('plan.objectives');
    expect(error.message).toContain('Nothing was written');
    expect(error.param).toMatch(/^(plan|brief)\./);
    expect(existsSync(file)).toBe(false);
    // The same mission in ASCII is smaller and fits.
    const small = await ok(c, 'createMission', { title: 'fits', goal: 'g' });
    expect(small.mission.id).toMatch(/^msn_/);
  });

  it('an update that would grow a mission past the limit is refused and changes nothing; one that keeps an old oversized mission as large is allowed', async () => {
    const store = openJsonFileStore(fresh('grow.json'));
    const roomy = await client({ store, limits: { maxMissionBytes: 64 * 1024 } });
    const { mission } = await ok(roomy, 'createMission', { title: 'Grows', goal: 'x'.repeat(20_000) });
    const tight = await client({ store, limits: { maxMissionBytes: 8 * 1024 } });

    const grow = await call(tight, 'updateMission', { id: mission.id, plan: { objectives: ['y'.repeat(2000)] } });
    expect(grow.body.error.code).toBe('invalid_request');
    expect(grow.body.error.message).toContain('8 KB');
    expect(grow.body.error.message).toMatch(/goal \([\d,]+ bytes\)/);
    expect((await ok(tight, 'getMission', { id: mission.id })).mission.plan.objectives).toEqual([]);

    // Stored under a larger limit: still paused, resumed and shortened under the smaller one.
    expect((await ok(tight, 'pauseMission', { id: mission.id })).mission.status).toBe('paused');
    expect((await ok(tight, 'updateMission', { id: mission.id, goal: 'short now' })).updated).toContain('goal');
    await store.close();
  });
});

describe('missions per owner', () => {
  it('a token principal past its quota gets forbidden naming the quota and what to do; others and the local user are not held back; a delete makes room', async () => {
    const store: MissionStore = openMemoryStore();
    const limits = { maxMissionsPerOwner: 3 };
    const alice = await client({ store, identity: ALICE, limits });
    const aliceElsewhere = await client({ store, identity: { kind: 'token', user: 'alice', org: 'globex' }, limits });
    const local = await client({ store, identity: LOCAL_USER, limits });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await ok(alice, 'createMission', { title: `A${i}`, goal: 'g' })).mission.id);
    await ok(alice, 'updateMission', { id: ids[0], status: 'archived' });

    const refused = await call(alice, 'createMission', { title: 'one too many', goal: 'g' });
    expect(refused.body.error.code).toBe('forbidden');
    expect(refused.body.error.message).toContain('--max-missions-per-owner, 3');
    expect(refused.body.error.message).toContain('archived missions count too');
    expect(refused.body.error.message).toContain('deleteMission');
    expect((await ok(alice, 'listMissions', {})).total).toBe(3);

    // Same user name in another org is another principal; the local user has no quota.
    await ok(aliceElsewhere, 'createMission', { title: 'B', goal: 'g' });
    for (let i = 0; i < 4; i++) await ok(local, 'createMission', { title: `L${i}`, goal: 'g' });

    await ok(alice, 'deleteMission', { id: ids[0] });
    await ok(alice, 'createMission', { title: 'room again', goal: 'g' });
    expect(DEFAULT_LIMITS.maxMissionsPerOwner).toBe(10_000);
  });
});

describe('configuration', () => {
  it('the flags and their variables reach the limits; bad values are usage errors', async () => {
    const { resolveConfig, UsageError } = await import('../src/config.js');
    const c = resolveConfig({ 'max-mission-bytes': '64kb' }, { MISSIONS_MAX_MISSIONS_PER_OWNER: '50', MISSIONS_MAX_ANSWER_BYTES: '2mb' });
    expect(c.limits).toEqual({ maxMissionBytes: 65_536, maxMissionsPerOwner: 50, maxAnswerBytes: 2 * 1024 * 1024 });
    expect(resolveConfig({}, {}).limits).toEqual(DEFAULT_LIMITS);
    expect(() => resolveConfig({ 'max-answer-bytes': 'lots' }, {})).toThrow(UsageError);
    expect(() => resolveConfig({ 'max-mission-bytes': '10' }, {})).toThrow(/at least|from 1024 bytes/);
  });
});

describe('one answer is bounded in bytes', () => {
  const byTitle = (ms: { title: string }[]) => ms.map((m) => m.title);

  it('listMissions full at limit 100 over maximal missions: each page stays under 1 MB, stops early with hasMore, and the cursors go through every mission once, in order', async () => {
    const store = openMemoryStore();
    const c = await client({ store, limits: { maxMissionBytes: 1024 * 1024 } });
    for (let i = 0; i < 10; i++) await ok(c, 'createMission', maximalMissionInput('x', `M${String(i).padStart(2, '0')}`));
    const everyTitle = byTitle((await ok(c, 'listMissions', { limit: 100, mode: 'compact' })).missions);
    expect(everyTitle).toHaveLength(10);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const answer = await call(c, 'listMissions', { limit: 100, mode: 'full', ...(cursor && { cursor }) });
      expect(answer.isError).toBe(false);
      expect(Buffer.byteLength(answer.text)).toBeLessThanOrEqual(DEFAULT_LIMITS.maxAnswerBytes);
      expect(answer.body.total).toBe(10);
      expect(answer.body.missions.length).toBeGreaterThan(0);
      for (const m of answer.body.missions) expect(m.truncated, 'whole missions, not cut ones').toBeUndefined();
      seen.push(...byTitle(answer.body.missions));
      cursor = answer.body.nextCursor ?? undefined;
      if (cursor) expect(answer.body.hasMore).toBe(true);
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(2);
    expect(seen).toEqual(everyTitle);
  });

  it('a mission larger than the answer bound alone: answered in compact form with a note saying why, not dropped; the page after it goes on', async () => {
    const store = openMemoryStore();
    const big = await client({ store });
    const a = (await ok(big, 'createMission', { title: 'A small one', goal: 'g' })).mission.id;
    const b = (await ok(big, 'createMission', { title: 'B large one', goal: 'x'.repeat(20_000), plan: { objectives: ['y'.repeat(2000), 'z'.repeat(2000)] } })).mission.id;
    const c = await client({ store, limits: { maxAnswerBytes: 8 * 1024 } });

    const first = await call(c, 'listMissions', { mode: 'full', sort: 'title', order: 'desc' });
    expect(first.body.missions).toHaveLength(1);
    const cut = first.body.missions[0];
    expect(cut.id).toBe(b);
    expect(cut.goal.length).toBeLessThan(200);
    expect(cut.truncated).toMatch(/compact form: in full it is [\d,]+ bytes, more than one answer may hold \(8 KB, --max-answer-bytes\)/);
    expect(first.body.hasMore).toBe(true);
    const second = await ok(c, 'listMissions', { mode: 'full', sort: 'title', order: 'desc', cursor: first.body.nextCursor });
    expect(second.missions.map((m: { id: string }) => m.id)).toEqual([a]);
    expect(second.missions[0].truncated).toBeUndefined();
    expect(second.hasMore).toBe(false);

    const got = (await ok(c, 'getMission', { id: b })).mission;
    expect(got.truncated).toContain('--max-answer-bytes');
    expect((await ok(c, 'getMission', { id: a })).mission.goal).toBe('g');
  });

  it('listRuns pages stop at the answer bound too, and their cursors go through every run once', async () => {
    const store = openMemoryStore();
    const c = await client({ store, limits: { maxAnswerBytes: 4096 } });
    const { mission } = await ok(c, 'createMission', { title: 'Runs', goal: 'g' });
    for (let i = 0; i < 12; i++) {
      await ok(c, 'updateMission', { id: mission.id, status: 'running' });
      await ok(c, 'updateMission', { id: mission.id, status: 'pending' });
    }
    const all = (await ok(await client({ store }), 'listRuns', { limit: 100 })).runs.map((r: { id: string }) => r.id);
    expect(all).toHaveLength(12);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const answer = await call(c, 'listRuns', { limit: 100, mode: 'full', ...(cursor && { cursor }) });
      expect(Buffer.byteLength(answer.text)).toBeLessThanOrEqual(4096);
      seen.push(...answer.body.runs.map((r: { id: string }) => r.id));
      cursor = answer.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all);
  });
});

describe('the import log is bounded', () => {
  it('300 addImports of 50: the log keeps the newest 200 entries, oldest dropped first, and the mission stays small', async () => {
    const c = await client({});
    const { mission } = await ok(c, 'createMission', { title: 'Imports', goal: 'g' });
    let serial = 0;
    for (let call = 0; call < 300; call++) {
      const addImports = Array.from({ length: 50 }, () => ({ importId: `imp_${++serial}`, type: 'csv', count: 1 }));
      const { updated } = await ok(c, 'updateMission', { id: mission.id, addImports, mode: 'compact' });
      expect(updated).toContain('imports');
    }
    const got = (await ok(c, 'getMission', { id: mission.id })).mission;
    expect(got.imports).toHaveLength(200);
    expect(got.imports[0].importId).toBe(`imp_${serial - 199}`);
    expect(got.imports.at(-1).importId).toBe(`imp_${serial}`);
    expect(Buffer.byteLength(JSON.stringify(got))).toBeLessThan(64 * 1024);
  });

  it('long entries: the log keeps the newest within 64 KB, so that adding imports never runs into the mission bound', async () => {
    const c = await client({});
    const { mission } = await ok(c, 'createMission', { title: 'Long imports', goal: 'g' });
    for (let call = 0; call < 10; call++) {
      const addImports = Array.from({ length: 50 }, (_, i) => ({ importId: `imp_${call}_${i}`, type: 'csv', context: 'c'.repeat(2000), sourceUrl: `https://example.com/${'p'.repeat(2000)}` }));
      await ok(c, 'updateMission', { id: mission.id, addImports, mode: 'compact' });
    }
    const got = (await ok(c, 'getMission', { id: mission.id })).mission;
    expect(Buffer.byteLength(JSON.stringify(got.imports))).toBeLessThanOrEqual(64 * 1024);
    expect(got.imports.length).toBeGreaterThan(5);
    expect(got.imports.at(-1).importId).toBe('imp_9_49');
  });
});

describe('control characters in texts', () => {
  it('are stripped from titles, goals and every other text (tab, newline and carriage return are kept); a title of nothing else is invalid_request naming it', async () => {
    const c = await client({});
    const { mission } = await ok(c, 'createMission', {
      title: 'Bell\u0007 and \u001b[31mred\u001b[0m\u0000',
      goal: 'Line one\n\tLine two\r\n\u0085end\u007f',
      brief: { targetAudience: 'CTOs\u0008', exampleMessages: ['Hi\u0000 there'] },
    });
    expect(mission.title).toBe('Bell and [31mred[0m');
    expect(mission.goal).toBe('Line one\n\tLine two\r\nend');
    expect(mission.brief.targetAudience).toBe('CTOs');
    expect(mission.brief.exampleMessages).toEqual(['Hi there']);
    const updated = await ok(c, 'updateMission', { id: mission.id, title: 'New\u0001 title' });
    expect(updated.mission.title).toBe('New title');

    const bad = await call(c, 'createMission', { title: '\u0000\u0001\u0002', goal: 'g' });
    expect(bad.body.error.code).toBe('invalid_request');
    expect(bad.body.error.param).toBe('title');
  });
});
