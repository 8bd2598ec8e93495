// SPEC §8 "A corrupt or unreadable file is never overwritten": every tool, over a real stdio process
// of the built bin, answers store_error naming the file, the position of the fault and what to do;
// the file stays byte-identical; nothing is left beside it; once the file is fixed the same process
// works again on its next call. Nothing mocked.
import { mkdirSync, readFileSync, readdirSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openJsonFileStore } from '../src/store/index.js';
import { call, connectInMemory, connectStdio, ok, tempDir, type Harness } from './helpers.js';
import { lockLetGo, readOnDisk } from './on-disk.js';

const SOME_ID = 'msn_AAAAAAAAAAAAAAAAAAAA';

/** Line and column (1-based) of a character offset, computed independently of src/. */
function position(text: string, offset: number): string {
  const lines = text.slice(0, offset).split('\n');
  return `line ${lines.length}, column ${lines[lines.length - 1]!.length + 1}`;
}

/** One plausible call of every tool: arguments pass validation, so each call reaches the store. */
function everyToolCall(id: string): [string, Record<string, unknown>][] {
  return [
    ['createMission', { title: 'Written over a broken store?', goal: 'This must never reach the disk.' }],
    ['getMission', { id }],
    ['listMissions', {}],
    ['listMissions', { status: 'active', query: 'digest', limit: 5, mode: 'compact' }],
    ['updateMission', { id, title: 'Renamed' }],
    ['deleteMission', { id }],
    ['deleteMission', { id, force: true }],
    ['pauseMission', { id }],
    ['resumeMission', { id }],
    ['runMission', { id }],
    ['listRuns', {}],
    ['listRuns', { missionId: id, status: 'failed' }],
    ['getRun', { id: 'run_AAAAAAAAAAAAAAAAAAAA' }],
    ['decideRun', { id: 'run_AAAAAAAAAAAAAAAAAAAA', decision: 'approve' }],
    ['reportProgress', { runId: 'run_AAAAAAAAAAAAAAAAAAAA', summary: 'never written' }],
  ];
}

interface Case {
  name: string;
  bytes: () => Buffer;
  /** An id to use in calls that take one. */
  id: () => string;
  /** What the message must say about where the fault is. */
  where: (bytes: Buffer) => RegExp | string;
}

describe('store: a corrupt, newer or unreadable file is never overwritten', () => {
  const temp = tempDir('missions-corrupt-');
  let valid: Buffer; // a real store file with three missions, written by the product itself
  let validIds: string[] = [];
  const open: Harness[] = [];

  beforeAll(async () => {
    const file = join(temp.dir, 'seed', 'missions.json');
    const store = openJsonFileStore(file);
    const h = await connectInMemory({ store });
    for (const title of ['Daily analytics digest', 'Webinar follow-up', 'API launch campaign']) {
      validIds.push((await ok(h.client, 'createMission', { title, goal: `Goal of ${title}, with some words to make it longer.` })).mission.id);
    }
    await h.close();
    await store.compact(); // fold the journal in: the snapshot alone holds all three
    valid = readFileSync(file);
    expect(valid.toString('utf8')).toContain('\n'); // multi-line, so line numbers matter
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close().catch(() => undefined)));
  });
  afterAll(() => temp.cleanup());

  const garbage = (): Buffer => {
    // A PNG header and then deterministic pseudo-random bytes, with newlines sprinkled in.
    const out = Buffer.alloc(4096);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(out);
    let x = 0x2545f491;
    for (let i = 8; i < out.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = i % 97 === 0 ? 0x0a : x & 0xff;
    }
    return out;
  };

  const truncated = (): Buffer => {
    const text = valid.toString('utf8');
    let cut = Math.floor(text.length / 2);
    while (/\s/.test(text[cut - 1]!)) cut++; // end on a non-space character, in the middle of the data
    return Buffer.from(text.slice(0, cut), 'utf8');
  };

  const handEdited = (): Buffer => {
    // A hand edit that dropped the quotes of the second mission's status: "status":pending,
    const text = valid.toString('utf8');
    const first = text.indexOf('"status":"pending"');
    const second = text.indexOf('"status":"pending"', first + 1);
    expect(second).toBeGreaterThan(0);
    return Buffer.from(`${text.slice(0, second)}"status":pending${text.slice(second + '"status":"pending"'.length)}`, 'utf8');
  };

  const cases: Case[] = [
    {
      name: 'garbage bytes',
      bytes: garbage,
      id: () => SOME_ID,
      // The first byte (0x89, not JSON and not UTF-8) is the fault: line 1, column 1.
      where: () => 'line 1, column 1',
    },
    {
      name: 'a valid store file truncated in the middle',
      bytes: truncated,
      id: () => validIds[0]!,
      where: (b) => position(b.toString('utf8'), b.toString('utf8').length),
    },
    {
      name: 'a hand-edited store file with a bare word in the middle',
      bytes: handEdited,
      id: () => validIds[1]!,
      where: (b) => {
        const text = b.toString('utf8');
        return position(text, text.indexOf('"status":pending') + '"status":'.length);
      },
    },
    {
      name: 'an empty file (0 bytes)',
      bytes: () => Buffer.alloc(0),
      id: () => SOME_ID,
      where: () => /empty, at byte 0/i,
    },
    {
      name: 'a file from a newer format version ({"version": 99, "missions": []})',
      bytes: () => Buffer.from('{"version": 99, "missions": []}\n'),
      id: () => SOME_ID,
      where: () => /"version"/,
    },
    {
      name: 'valid JSON whose mission does not match the format',
      bytes: () => Buffer.from(JSON.stringify({ version: 1, missions: [{ id: SOME_ID, title: 42 }] }, null, 2)),
      id: () => SOME_ID,
      where: () => /missions\.0/,
    },
  ];

  for (const c of cases) {
    it(`${c.name}: every tool answers store_error, the file is untouched, and a fix is picked up without restart`, async () => {
      const dir = join(temp.dir, c.name.replace(/\W+/g, '-'));
      mkdirSync(dir);
      const file = join(dir, 'missions.json');
      const bytes = c.bytes();
      writeFileSync(file, bytes, { mode: 0o600 });
      const before = statSync(file, { bigint: true });

      const h = await connectStdio(['--store', file]);
      open.push(h);

      // Every tool the server offers is covered below.
      const calls = everyToolCall(c.id());
      const offered = (await h.client.listTools()).tools.map((t) => t.name).sort();
      expect([...new Set(calls.map(([name]) => name))].sort()).toEqual(offered);

      const where = c.where(bytes);
      const wrongPosition: string[] = [];
      for (const [name, args] of calls) {
        const answer = await call(h.client, name, args);
        expect(answer.isError, `${name} over ${c.name}: ${answer.text}`).toBe(true);
        expect(answer.body.error.code, `${name}: ${answer.text}`).toBe('store_error');
        const message: string = answer.body.error.message;
        expect(message, `${name} names the file`).toContain(file);
        const named = typeof where === 'string' ? message.includes(where) : where.test(message);
        if (!named) wrongPosition.push(`${name}: ${message}`);
        expect(message, `${name} says what to do`).toMatch(/fix the file|restore it|move it away|upgrade/i);
        expect(message).not.toMatch(/\n\s+at /); // no stack trace
        // Nothing was written: same bytes, same inode, nothing beside it.
        expect(readFileSync(file).equals(bytes), `${name} left the file byte-identical`).toBe(true);
      }
      // Soft, so that a wrong position does not hide whether the file was left alone and a fix works.
      expect.soft(wrongPosition, `every message names the position of the fault: ${where}`).toEqual([]);
      const after = statSync(file, { bigint: true });
      expect(after.ino).toBe(before.ino);
      expect(after.mtimeNs).toBe(before.mtimeNs);
      expect(readdirSync(dir)).toEqual(['missions.json']);
      console.log(`${c.name}: ${calls.length} calls, all store_error; e.g. ${(await call(h.client, 'getMission', { id: c.id() })).body.error.message}`);

      // Fix the file (a valid empty store): the same process works on its very next call.
      writeFileSync(file, '{ "version": 3, "missions": [], "runs": [], "workers": [] }\n');
      const { mission } = await ok(h.client, 'createMission', { title: 'After the fix', goal: 'The store works again.' });
      expect((await ok(h.client, 'getMission', { id: mission.id })).mission.title).toBe('After the fix');
      expect((await ok(h.client, 'listMissions', {})).total).toBe(1);
      const doc = readOnDisk(file);
      expect(doc.version).toBe(3);
      expect(doc.missions.map((m) => m.id)).toEqual([mission.id]);
      await lockLetGo(file); // kept for a next write, then let go
      expect(readdirSync(dir).sort()).toEqual(['missions.json', 'missions.json.journal']);
    }, 60_000);
  }

  it('a store path that is a folder: every tool answers store_error, nothing is created, and removing the folder fixes it', async () => {
    const dir = join(temp.dir, 'folder-case');
    const file = join(dir, 'missions.json');
    mkdirSync(file, { recursive: true });
    const h = await connectStdio(['--store', file]);
    open.push(h);
    for (const [name, args] of everyToolCall(SOME_ID)) {
      const answer = await call(h.client, name, args);
      expect(answer.isError, `${name}: ${answer.text}`).toBe(true);
      expect(answer.body.error.code, `${name}: ${answer.text}`).toBe('store_error');
      expect(answer.body.error.message).toContain(file);
      expect(answer.body.error.message).toMatch(/folder|directory|EISDIR/i);
      expect(answer.body.error.message).toMatch(/--store|point/i);
    }
    expect(statSync(file).isDirectory()).toBe(true);
    expect(readdirSync(file)).toEqual([]);
    expect(readdirSync(dir)).toEqual([basename(file)]); // no lock or temp file left beside it

    rmdirSync(file);
    const { mission } = await ok(h.client, 'createMission', { title: 'Folder removed', goal: 'Works again.' });
    expect(readOnDisk(file).missions[0]!.id).toBe(mission.id);
  }, 60_000);

  it('a newer-format file is refused even when it holds missions this version could read', async () => {
    const dir = join(temp.dir, 'newer-with-missions');
    mkdirSync(dir);
    const file = join(dir, 'missions.json');
    const doc = JSON.parse(valid.toString('utf8'));
    const bytes = Buffer.from(JSON.stringify({ ...doc, version: 4 }, null, 2));
    writeFileSync(file, bytes);
    const h = await connectStdio(['--store', file]);
    open.push(h);
    const listed = await call(h.client, 'listMissions', {});
    expect(listed.body.error?.code).toBe('store_error');
    expect(listed.body.error.message).toMatch(/newer/i);
    expect(listed.body.error.message).toMatch(/version 4/);
    const updated = await call(h.client, 'updateMission', { id: validIds[0], title: 'Downgraded?' });
    expect(updated.body.error?.code).toBe('store_error');
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(readdirSync(dir)).toEqual(['missions.json']);
  }, 60_000);
});
