// Issue 9: a snapshot larger than the longest string V8 can hold (about 512 MB) used to answer
// "store_error: cannot read it (Invalid string length)" to every process. It is read line by line now.
// And when a store really is too large to read, the message says so and what to do.
import { closeSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { constants } from 'node:buffer';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { newMission } from '../src/mission/build.js';
import type { CreateMissionInput } from '../src/mission/input.js';
import { maximalMissionInput } from './fixtures/maximal.js';
import { FORMAT_VERSION, serializeDocument } from '../src/store/document.js';
import { openJsonFileStore } from '../src/store/index.js';
import { call, connectInMemory, connectStdio, ok, tempDir, type Harness } from './helpers.js';

const temp = tempDir('missions-large-');
afterAll(() => temp.cleanup());
const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close().catch(() => undefined)));
});

const ctx = { now: new Date('2026-01-01T00:00:00Z'), newImportId: () => 'imp_1', owner: { user: 'local', org: null } };
/** A mission with any goal, even one longer than createMission accepts (a store written by hand). */
const missionWithGoal = (i: number, goal: string) => ({
  ...newMission({ title: `Large ${i}`, goal: 'g' }, { ...ctx, id: `msn_LARGE${String(i).padStart(12, '0')}` }),
  goal,
});

/** Writes a snapshot as missions-mcp does (one mission per line, with its digest). */
function writeSnapshot(file: string, missions: ReturnType<typeof missionWithGoal>[]): void {
  const fd = openSync(file, 'w', 0o600);
  for (const chunk of serializeDocument({ version: FORMAT_VERSION, seq: 0, missions, runs: [], workers: [] })) writeSync(fd, chunk);
  closeSync(fd);
}

describe('a large snapshot', () => {
  it('longer than the longest string V8 can hold: a fresh process reads it and lists its missions', async () => {
    const file = join(temp.dir, 'huge.json');
    // Maximal missions (every text and list at its limit), one per line as missions-mcp writes them,
    // with a digest that does not match, so that every mission is checked against the model too.
    const line = JSON.stringify(newMission(maximalMissionInput() as CreateMissionInput, { ...ctx, id: 'msn_HUGE000000000000000' }));
    const count = Math.ceil(constants.MAX_STRING_LENGTH / line.length) + 10;
    const fd = openSync(file, 'w', 0o600);
    writeSync(fd, `{"version": ${FORMAT_VERSION}, "seq": 0, "missions": [\n`);
    for (let i = 0; i < count; i++) writeSync(fd, `${line.replace('msn_HUGE000000000000000', `msn_HUGE${String(i).padStart(15, '0')}`)}${i < count - 1 ? ',' : ''}\n`);
    writeSync(fd, `], "runs": [\n], "workers": [\n], "digest": "${'0'.repeat(64)}"}\n`);
    closeSync(fd);
    expect(statSync(file).size).toBeGreaterThan(constants.MAX_STRING_LENGTH);

    const h = await connectStdio(['--store', file]);
    open.push(h);
    const page = await ok(h.client, 'listMissions', { mode: 'compact', limit: 10, sort: 'title', order: 'asc' });
    expect(page.total).toBe(count);
    expect(page.missions).toHaveLength(10);
    // And it still takes writes.
    const { mission } = await ok(h.client, 'createMission', { title: 'Small', goal: 'fits' });
    expect((await ok(h.client, 'getMission', { id: mission.id, mode: 'compact' })).mission.title).toBe('Small');
  }, 180_000);
});

describe('a store too large to read says what is wrong and what to do', () => {
  it('a line longer than the line limit', async () => {
    const file = join(temp.dir, 'long-line.json');
    writeSnapshot(file, [missionWithGoal(1, 'y'.repeat(3 * 1024 * 1024))]);
    const store = openJsonFileStore(file, { readLimits: { line: 1024 * 1024 } });
    const h = await connectInMemory({ store });
    open.push(h);
    const { error } = (await call(h.client, 'listMissions', {})).body;
    expect(error.code).toBe('store_error');
    expect(error.message).toContain(file);
    expect(error.message).toContain('line 2 is longer than 1 MB: too large to read');
    expect(error.message).toMatch(/Move the file away.*remove its largest missions by hand.*--max-mission-bytes/);
    expect(error.message).not.toMatch(/check the path/i);
  });

  it('a file past the whole-file limit that is not one mission per line (pretty-printed by hand)', async () => {
    const file = join(temp.dir, 'pretty.json');
    const missions = Array.from({ length: 120 }, (_, i) => missionWithGoal(i, 'z'.repeat(20_000)));
    writeFileSync(file, JSON.stringify({ version: FORMAT_VERSION, seq: 0, missions, runs: [], workers: [] }, null, 2));
    const store = openJsonFileStore(file, { readLimits: { wholeFile: 1024 * 1024 } });
    const h = await connectInMemory({ store });
    open.push(h);
    const { error } = (await call(h.client, 'getMission', { id: missions[0]!.id })).body;
    expect(error.code).toBe('store_error');
    expect(error.message).toMatch(/it is \d MB, too large to read whole, and not in the one-mission-per-line layout/);
    expect(error.message).toContain('line 1, column 1');
    expect(error.message).toMatch(/must keep one mission per line/);
    // The same file under the default limits is read whole, as before.
    const h2 = await connectInMemory({ store: openJsonFileStore(file) });
    open.push(h2);
    expect((await ok(h2.client, 'listMissions', { mode: 'compact' })).total).toBe(120);
  });
});
