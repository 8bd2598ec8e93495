// PostgreSQL going away and coming back, with a server of this file's own (restarting the shared one
// would disturb the other files): no acknowledged write is lost across a restart, calls during the
// outage answer store_error naming host, port and database, the server recovers by itself, and the
// password reaches no line. Also: stopping a test server leaves no postgres process, even after a
// start that failed.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { call, ok } from './helpers.js';
import { connectStreamable, spawnHttp, type HttpServerProcess } from './http-helpers.js';
import { waitFor } from './wait.js';
import { postgresPids, startPostgres, type TestPostgres } from './pg/server.js';
import { descendants } from './browser.js';

let server: TestPostgres | undefined;
let http: HttpServerProcess | undefined;

afterAll(async () => {
  await http?.stop();
  await server?.stop();
});

async function createDatabase(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
}

describe('PostgreSQL restarts under load', () => {
  it('loses no acknowledged write, answers store_error meanwhile, and recovers by itself', async () => {
    server = await startPostgres();
    await createDatabase(server.url('postgres'), 'faults');
    const url = server.url('faults');
    http = await spawnHttp(['--store', url]);
    const client = await connectStreamable(http.origin);
    const acknowledged: string[] = [];
    const errors: string[] = [];
    let stop = false;
    const writer = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const answer = await call(client.client, 'createMission', { title: `w${n} #${i}`, goal: 'G' });
        if (answer.isError) errors.push(answer.text);
        else acknowledged.push(answer.body.mission.id);
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    await waitFor('40 acknowledged creates before the restart', () => acknowledged.length >= 40);
    const before = acknowledged.length;
    await server.restart();
    const restartedAt = acknowledged.length;
    await waitFor('40 acknowledged creates after the restart', () => acknowledged.length >= restartedAt + 40, { timeoutMs: 50_000 }).catch((e) => {
      console.log(`DEBUG acked ${acknowledged.length} errors ${errors.length} last: ${errors.slice(-3).join(' | ')}\n${http!.stderr().slice(-3000)}`);
      throw e;
    });
    stop = true;
    await Promise.all(writers);

    // every acknowledged create is in the database
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    const { rows } = await check.query<{ id: string }>('SELECT id FROM missions');
    await check.end();
    const stored = new Set(rows.map((r) => r.id));
    const lost = acknowledged.filter((id) => !stored.has(id));
    console.log(`restart under 4 writers: ${before} acknowledged before, ${acknowledged.length} in all, ${errors.length} store_error answers meanwhile, ${lost.length} lost`);
    expect(lost).toEqual([]);
    for (const e of errors) {
      expect(JSON.parse(e).error.code).toBe('store_error');
      expect(e).toContain(`PostgreSQL at 127.0.0.1:${server.port}, database \\"faults\\"`);
      expect(e).not.toContain(server.password);
    }
    // the server kept running and answers again; /healthz says the database is there
    expect((await ok(client.client, 'listMissions', { limit: 1 })).total).toBe(stored.size);
    const health = await (await fetch(new URL('/healthz', http.origin))).json();
    expect(health.database.ok).toBe(true);
    await client.close();
    expect(http.stderr()).not.toContain(server.password);
  });

  it('a database that is down at start: store_error, the server keeps running, /healthz 503, then recovers', async () => {
    const url = server!.url('faults');
    const stopped = server!;
    await stopped.stopOnly();
    const late = await spawnHttp(['--store', url]);
    try {
      const client = await connectStreamable(late.origin);
      const answer = await call(client.client, 'listMissions', {});
      expect(answer.body.error.code).toBe('store_error');
      expect(answer.body.error.message).toMatch(/127\.0\.0\.1:\d+, database "faults".*Check that PostgreSQL is running/);
      const down = await fetch(new URL('/healthz', late.origin));
      expect(down.status).toBe(503);
      await stopped.startAgain();
      await waitFor('the instance to recover', async () => !(await call(client.client, 'listMissions', { limit: 1 })).isError, { timeoutMs: 10_000 });
      expect((await fetch(new URL('/healthz', late.origin))).status).toBe(200);
      await client.close();
      expect(late.stderr()).not.toContain(server!.password);
    } finally {
      expect(await late.stop()).toBe(0);
    }
  });

  it('stopping a test server leaves no postgres process, also after a start that failed', async () => {
    const dataDir = server!.dataDir;
    expect(postgresPids(dataDir).length).toBeGreaterThan(0);
    await http?.stop();
    http = undefined;
    await server!.stop();
    server = undefined;
    expect(postgresPids(dataDir)).toEqual([]);
    // a second server on a port that is taken fails to start, and leaves nothing behind
    const first = await startPostgres();
    await expect(startPostgres(undefined, { port: first.port })).rejects.toThrow();
    await first.stop();
    expect(postgresPids(first.dataDir)).toEqual([]);
    // Only this process's servers count (they are its children): other test runs on the machine, and
    // the run's shared server, have servers of their own, started at any time.
    expect(descendants(process.pid).filter((p) => /postgres/.test(p.name))).toEqual([]);
  });
});
