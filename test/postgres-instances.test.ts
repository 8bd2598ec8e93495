// Several instances on one PostgreSQL database, as a team runs them: two HTTP servers where a
// subscriber on A hears a change made through B (LISTEN/NOTIFY; the PostgreSQL store does not poll),
// /healthz reporting the database, and the password in no line either server writes.
import { ResourceListChangedNotificationSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { inbox, ok, type Harness } from './helpers.js';
import { connectStreamable, spawnHttp, type HttpServerProcess } from './http-helpers.js';
import { waitFor } from './wait.js';
import { freshDatabase } from './pg/db.js';

type Notice = { method: string; uri?: string };

let a: HttpServerProcess;
let b: HttpServerProcess;
const clients: Harness[] = [];

beforeAll(async () => {
  const url = await freshDatabase('instances');
  [a, b] = await Promise.all([spawnHttp(['--store', url]), spawnHttp(['--store', url])]);
});

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  const codes = await Promise.all([a?.stop(), b?.stop()]);
  expect(codes).toEqual([0, 0]);
});

describe('two HTTP instances on one PostgreSQL database', () => {
  it('a subscriber on instance A hears changes made through instance B', async () => {
    const onA = await connectStreamable(a.origin);
    const onB = await connectStreamable(b.origin);
    clients.push(onA, onB);
    const notices = inbox<Notice>();
    onA.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => notices.push({ method: n.method, uri: n.params.uri }));
    onA.client.setNotificationHandler(ResourceListChangedNotificationSchema, (n) => notices.push({ method: n.method }));

    const { mission } = await ok(onB.client, 'createMission', { title: 'Shared', goal: 'G' });
    // A sees what B wrote at once: one database
    expect((await ok(onA.client, 'getMission', { id: mission.id })).mission.title).toBe('Shared');
    await onA.client.listResources();
    await onA.client.subscribeResource({ uri: `mission://${mission.id}` });
    const health = async () => (await (await fetch(new URL('/healthz', a.origin))).json()) as { watching: number; database: { ok: boolean; detail: string } };
    await waitFor('the subscriber on A to watch (its GET stream open)', async () => (await health()).watching === 1);

    await ok(onB.client, 'updateMission', { id: mission.id, title: 'Shared, renamed on B' });
    await notices.next((n) => n.method === 'notifications/resources/updated' && n.uri === `mission://${mission.id}`);
    await ok(onB.client, 'createMission', { title: 'Another from B', goal: 'G' });
    await notices.next((n) => n.method === 'notifications/resources/list_changed');
    console.log(`A heard from B: ${notices.received.map((n) => n.method.split('/').pop()).join(', ')}`);

    const h = await health();
    expect(h.database.ok).toBe(true);
    expect(h.database.detail).toMatch(/^postgres 127\.0\.0\.1:\d+\/instances_/);
  });

  it('neither instance ever writes the password', () => {
    const password = inject('pgPassword');
    for (const server of [a, b]) {
      expect(server.stderr()).toMatch(/store postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/);
      expect(server.stderr()).not.toContain(password);
    }
  });
});
