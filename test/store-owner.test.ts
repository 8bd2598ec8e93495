// Issue 9, ownership: a rewrite keeps the store's mode, and (as root) its owner; a process that is not
// root refuses to write a store another user owns; a folder it may not write answers "permission", not
// "try again". The tests run as root: other users are numeric ids, and their processes are spawned with
// that uid.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openJsonFileStore } from '../src/store/index.js';
import { BIN, connectInMemory, ok, tempDir } from './helpers.js';

const temp = tempDir('missions-owner-');
chmodSync(temp.dir, 0o755); // other users' processes must reach the folders inside
afterAll(() => temp.cleanup());
let n = 0;
const folder = (mode: number) => {
  const dir = join(temp.dir, `${++n}`);
  mkdirSync(dir, { mode });
  chmodSync(dir, mode);
  return dir;
};
const ALICE = 12345;
const BOB = 23456;
const root = process.getuid?.() === 0;

/** `missions-mcp call` as another user. */
function callAs(uid: number, store: string, tool: string, input: object) {
  const r = spawnSync(process.execPath, [BIN, 'call', tool, '--store', store, '--input-json', JSON.stringify(input)], {
    uid,
    gid: uid,
    env: { PATH: process.env.PATH ?? '', HOME: '/tmp' },
    encoding: 'utf8',
  });
  return { status: r.status, body: r.stdout ? JSON.parse(r.stdout) : undefined, stderr: r.stderr };
}

describe.runIf(root)('store ownership', () => {
  it('root writing a 0644 store owned by another user keeps its owner, group and mode; the journal it creates gets them too', async () => {
    const dir = folder(0o755);
    chownSync(dir, ALICE, ALICE); // alice's folder, alice's store
    const file = join(dir, 'missions.json');
    const first = await connectInMemory({ store: openJsonFileStore(file) });
    await ok(first.client, 'createMission', { title: 'Alice', goal: 'g' });
    await first.close();
    chownSync(file, ALICE, ALICE);
    chmodSync(file, 0o644);

    const store = openJsonFileStore(file);
    const h = await connectInMemory({ store });
    await ok(h.client, 'createMission', { title: 'Root', goal: 'g' });
    const journal = statSync(`${file}.journal`);
    expect([journal.uid, journal.gid, (journal.mode & 0o777).toString(8)]).toEqual([ALICE, ALICE, '644']);
    await store.compact();
    await h.close();
    const st = statSync(file);
    expect([st.uid, st.gid, (st.mode & 0o777).toString(8)]).toEqual([ALICE, ALICE, '644']);
    expect(JSON.parse(readFileSync(file, 'utf8')).missions).toHaveLength(2);

    // And alice can go on using her store.
    const asAlice = callAs(ALICE, file, 'createMission', { title: 'Alice again', goal: 'g' });
    expect(asAlice.status, asAlice.stderr + JSON.stringify(asAlice.body)).toBe(0);
  });

  it('another (non-root) user may not write a store it does not own: store_error says permission; nothing is written', async () => {
    const dir = folder(0o777);
    const file = join(dir, 'missions.json');
    const first = await connectInMemory({ store: openJsonFileStore(file) });
    await ok(first.client, 'createMission', { title: 'Alice', goal: 'g' });
    await first.close();
    chownSync(file, ALICE, ALICE);
    chmodSync(file, 0o644);
    const before = readFileSync(file);

    const r = callAs(BOB, file, 'createMission', { title: 'Bob', goal: 'g' });
    expect(r.status).toBe(1);
    expect(r.body.error.code).toBe('store_error');
    expect(r.body.error.message).toContain('permission');
    expect(r.body.error.message).toContain(`user id ${ALICE}`);
    expect(r.body.error.message).not.toMatch(/try again/);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['missions.json']);
    // Reading is fine.
    expect(callAs(BOB, file, 'listMissions', {}).body.total).toBe(1);
  });

  it('a folder the user may not write: store_error says permission, not "try again", and names the folder', async () => {
    const dir = folder(0o755); // root's, read-only for others
    const file = join(dir, 'missions.json');
    const r = callAs(ALICE, file, 'createMission', { title: 'Nope', goal: 'g' });
    expect(r.status).toBe(1);
    expect(r.body.error.code).toBe('store_error');
    expect(r.body.error.message).toMatch(/permission/i);
    expect(r.body.error.message).toContain(dir);
    expect(r.body.error.message).not.toMatch(/try again/);
    expect(existsSync(file)).toBe(false);
  });
});
