// `missions-mcp migrate --from FILE --to postgres://…`: a JSON store's missions, runs and outputs land
// in PostgreSQL and answer the same lists; a database that is not empty is refused; no password printed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_USER } from '../src/mission/access.js';
import { openJsonFileStore, openStore } from '../src/store/index.js';
import type { MissionStore } from '../src/store/types.js';
import { BIN, tempDir } from './helpers.js';
import { freshDatabase } from './pg/db.js';
import { putMissions } from './runner-helpers.js';

const tmp = tempDir('missions-migrate-');
const opened: MissionStore[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
  tmp.cleanup();
});

const migrate = (from: string, to: string) => spawnSync(process.execPath, [BIN, 'migrate', '--from', from, '--to', to], { encoding: 'utf8' });

async function everything(store: MissionStore) {
  const missions = await store.list({ limit: 100, sort: 'title', order: 'asc' }, LOCAL_USER, new Date());
  const runs = await store.listRuns({ limit: 100 }, LOCAL_USER);
  const outputs = await Promise.all(runs.runs.map((r) => store.readRunOutput(r)));
  return { missions, runs, outputs };
}

describe('migrate', () => {
  it('copies missions, runs and outputs into an empty database, and refuses one that is not', async () => {
    const file = join(tmp.dir, 'team.json');
    const source = openJsonFileStore(file, { log: () => undefined });
    const missions = await putMissions(source, Array.from({ length: 30 }, (_, i) => ({ title: `m${i}`, goal: 'g', schedule: { type: 'once' } })));
    const run = { id: 'run_AAAAAAAAAAAAAAAAAAAA', missionId: missions[3]!.id, status: 'succeeded' as const, trigger: 'schedule' as const, attempt: 1, slot: null,
      agentType: 'claude' as const, worker: null, leaseExpiresAt: null, startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:01.000Z',
      durationMs: 1000, exitCode: 0, signal: null, error: null, retryAt: null, outputBytes: 5 };
    await source.write(() => ({ runs: [run], outputs: { [run.id]: 'hello' }, result: null }));
    const before = await everything(source);
    await source.close();

    const url = await freshDatabase('migrate');
    const done = migrate(file, url);
    expect(done.status, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/copied 30 missions and 1 runs from .*team\.json to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/);
    expect(done.stdout + done.stderr).not.toContain(inject('pgPassword'));
    const target = openStore(url, { log: () => undefined });
    opened.push(target);
    expect(await everything(target)).toEqual(before);
    expect(before.outputs).toEqual(['hello']);

    const again = migrate(file, url);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/is not empty \(30 missions, 1 runs\); migrate copies into an empty store only/);
    expect((await target.counts()).missions).toBe(30);
  });
});
