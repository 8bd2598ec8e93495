// Issue 9, the lock under pressure: a holder that stalls past the stale window loses the lock to another
// process, and must then write nothing: its call answers store_error saying so. Two real processes:
// this one, and a child that takes the lock and is frozen (SIGSTOP) while holding it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { openJsonFileStore } from '../src/store/index.js';
import { ROOT, connectInMemory, ok, tempDir } from './helpers.js';
import { readOnDisk } from './on-disk.js';

const temp = tempDir('missions-lock-');
afterAll(() => temp.cleanup());

// The child: one write through the built store, with a hook that says "holding" under the lock and
// waits for a line on stdin before it goes on; it prints what its write answered.
const CHILD = `
import { openJsonFileStore } from ${JSON.stringify(join(ROOT, 'dist/src/store/index.js'))};
import { newMission } from ${JSON.stringify(join(ROOT, 'dist/src/mission/build.js'))};
const [file] = process.argv.slice(1);
const store = openJsonFileStore(file, {
  lock: { staleMs: 2000, onCompromised: () => undefined },
  beforeCommit: async () => {
    process.stdout.write('holding\\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
  },
});
const m = newMission({ title: 'Written by the stalled holder', goal: 'must not reach the disk' },
  { now: new Date(), newImportId: () => 'imp_x', id: 'msn_STALLED0000000000', owner: { user: 'local', org: null } });
let answer;
try {
  await store.write(() => ({ put: [m], result: 'written' }));
  answer = { ok: true };
} catch (error) {
  answer = { code: error.code, message: error.message };
}
process.stdout.write(JSON.stringify(answer) + '\\n');
await store.close();
process.stdin.destroy();
`;

describe('the lock under pressure', () => {
  it('a holder frozen past the stale window loses the lock to another process, writes nothing, and its call answers store_error saying so', async () => {
    const file = join(temp.dir, 'missions.json');
    // A store that exists, so that the child's write is a journal append.
    const first = await connectInMemory({ store: openJsonFileStore(file) });
    await ok(first.client, 'createMission', { title: 'Before', goal: 'g' });
    await first.close();

    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, file], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    expect((await lines.next()).value).toBe('holding');
    process.kill(child.pid!, 'SIGSTOP'); // frozen while holding the lock: its refresh timer stops too

    // Another process (this one) waits out the stale window, takes the lock over and writes.
    const other = await connectInMemory({ store: openJsonFileStore(file, { lock: { staleMs: 2000, onCompromised: () => undefined } }) });
    const { mission } = await ok(other.client, 'createMission', { title: 'Written by the taker', goal: 'g' });

    process.kill(child.pid!, 'SIGCONT');
    child.stdin!.write('go\n');
    const answer = JSON.parse((await lines.next()).value as string);
    await once(child, 'exit');
    console.log(`stalled holder answered: ${answer.message}`);
    expect(answer.code).toBe('store_error');
    expect(answer.message).toContain('lost its write lock');
    expect(answer.message).toContain('Nothing was written');

    const titles = readOnDisk(file).missions.map((m) => m.title);
    expect(titles).toEqual(['Before', 'Written by the taker']);
    expect((await ok(other.client, 'listMissions', {})).missions.map((m: { id: string }) => m.id)).toContain(mission.id);
    // The store goes on: the next write by anyone works.
    await ok(other.client, 'createMission', { title: 'After', goal: 'g' });
    await other.close();
    expect(readOnDisk(file).missions.map((m) => m.title)).toEqual(['Before', 'Written by the taker', 'After']);
  }, 60_000);
});
