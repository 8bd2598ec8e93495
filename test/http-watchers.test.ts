// Resource watchers over HTTP: a session polls the store for others' changes only while it has
// subscriptions and a stream to hear the notices on. A Streamable HTTP client that goes away without
// DELETE keeps its session until it is idle, but no longer its poll; an SSE session that closes
// stops polling. /healthz counts the sessions that poll ("watching").
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, tempDir } from './helpers.js';
import { connectSse, connectStreamable, health, spawnHttp, type HttpServerProcess } from './http-helpers.js';
import { waitFor } from './wait.js';

let server: HttpServerProcess;
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  tmp = tempDir();
  server = await spawnHttp(['--store', join(tmp.dir, 'missions.json')]);
});

afterAll(async () => {
  expect(await server?.stop()).toBe(0);
  tmp?.cleanup();
});

describe('watchers over HTTP', () => {
  it('poll only while subscribed with a stream open, and stop when the client goes', async () => {
    const lister = await connectStreamable(server.origin);
    const streamable = await connectStreamable(server.origin);
    const sse = await connectSse(server.origin);
    try {
      const { mission } = await ok(lister.client, 'createMission', { title: 'Watched', goal: 'G' });
      await lister.client.listResources();
      expect(await health(server.origin)).toMatchObject({ sessions: 3, watching: 0 });

      await streamable.client.subscribeResource({ uri: `mission://${mission.id}` });
      await sse.client.subscribeResource({ uri: `mission://${mission.id}` });
      // the Streamable client opens its GET stream on its own, soon after initialize
      await waitFor('both subscribers to poll', async () => (await health(server.origin)).watching === 2);

      // the Streamable client goes away without DELETE: its session stays (until idle), its poll stops
      await streamable.client.close();
      await waitFor('the departed client\'s poll to stop', async () => (await health(server.origin)).watching === 1);
      expect((await health(server.origin)).sessions).toBe(3);

      // the SSE client goes: its session ends, and its poll with it
      await sse.close();
      await waitFor('the SSE session to end', async () => (await health(server.origin)).sse === 0);
      expect(await health(server.origin)).toMatchObject({ sessions: 2, watching: 0 });
    } finally {
      await lister.close();
      await streamable.close();
      await sse.close();
    }
  });
});
