// Issue 19: "any instance answers any modern request". Two `serve --transport http` processes on one
// store, behind a plain round-robin proxy (a few lines of node:http below: no sticky routing, each
// request to the next instance in turn), for the JSON file store and for PostgreSQL. A 2026-07-28
// client through the proxy: 40 creates, each read back through the other instance; and a
// subscriptions/listen stream held by one instance hears a write made through the other (the store's
// own change feed: the file's journal, PostgreSQL's LISTEN/NOTIFY).
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { inbox, tempDir } from './helpers.js';
import { spawnHttp, type HttpServerProcess } from './http-helpers.js';
import { connectModern, type ModernHarness } from './modern-helpers.js';
import { freshDatabase } from './pg/db.js';

interface Proxy {
  origin: string;
  /** Which instance served each request, in order (0 or 1). */
  served: number[];
  close(): Promise<void>;
}

/** Round-robin over `upstreams`: request n goes to upstream n mod 2, whatever it is. */
async function roundRobin(upstreams: string[]): Promise<Proxy> {
  const served: number[] = [];
  let next = 0;
  const server: Server = createServer((req, res) => {
    const pick = next++ % upstreams.length;
    served.push(pick);
    const target = new URL(req.url ?? '/', upstreams[pick]);
    const upstream = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const tmp = tempDir('missions-instances-');
const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  tmp.cleanup();
});

async function instancesOn(store: string): Promise<{ a: HttpServerProcess; b: HttpServerProcess; proxy: Proxy }> {
  const [a, b] = await Promise.all([spawnHttp(['--store', store]), spawnHttp(['--store', store])]);
  stops.push(async () => expect(await Promise.all([a.stop(), b.stop()])).toEqual([0, 0]));
  const proxy = await roundRobin([a.origin, b.origin]);
  stops.push(() => proxy.close());
  return { a, b, proxy };
}

async function call(h: ModernHarness, name: string, args: Record<string, unknown>): Promise<any> {
  const result = (await h.client.callTool({ name, arguments: args })) as { isError?: boolean; structuredContent?: any; content: { text: string }[] };
  if (result.isError) throw new Error(`${name}: ${result.content[0]?.text}`);
  return result.structuredContent;
}

for (const kind of ['file', 'postgres'] as const) {
  describe(`two instances on one ${kind} store behind a round-robin proxy`, () => {
    it('40 creates through the proxy, each read back through the other instance', async () => {
      const store = kind === 'file' ? `${tmp.dir}/shared.json` : await freshDatabase('rr');
      const { proxy } = await instancesOn(store);
      const client = await connectModern(proxy.origin);
      try {
        for (let i = 0; i < 40; i++) {
          const before = proxy.served.length;
          const { mission } = await call(client, 'createMission', { title: `Mission ${i}`, goal: 'G' });
          const wrote = proxy.served[before]!;
          const read = await call(client, 'getMission', { id: mission.id });
          expect(proxy.served[before + 1], 'the read went to the other instance').toBe(1 - wrote);
          expect(read.mission).toEqual(mission);
        }
        expect((await call(client, 'listMissions', { limit: 100 })).total).toBe(40);
        expect(new Set(proxy.served)).toEqual(new Set([0, 1]));
      } finally {
        await client.close();
      }
    });

    it('a listener on one instance hears a write made through the other', async () => {
      const store = kind === 'file' ? `${tmp.dir}/listen.json` : await freshDatabase('listen');
      const { a, b } = await instancesOn(store);
      const onA = await connectModern(a.origin);
      const onB = await connectModern(b.origin);
      try {
        const { mission } = await call(onB, 'createMission', { title: 'Watched', goal: 'G' });
        const notices = inbox<{ method: string; uri?: string }>();
        onA.client.setNotificationHandler('notifications/resources/updated', (n) => notices.push({ method: n.method, uri: n.params.uri }));
        onA.client.setNotificationHandler('notifications/resources/list_changed', (n) => notices.push({ method: n.method }));
        const subscription = await onA.client.listen({ resourcesListChanged: true, resourceSubscriptions: [`mission://${mission.id}`] });
        expect(subscription.honoredFilter).toEqual({ resourcesListChanged: true, resourceSubscriptions: [`mission://${mission.id}`] });
        // (a notice for a change made before the stream opened may come first: one too many, never one too few)
        const beforeUpdate = notices.received.length;
        await call(onB, 'updateMission', { id: mission.id, title: 'Watched, changed through B' });
        expect(await notices.next((n) => n.method === 'notifications/resources/updated', beforeUpdate)).toEqual({ method: 'notifications/resources/updated', uri: `mission://${mission.id}` });
        const beforeCreate = notices.received.length;
        await call(onB, 'createMission', { title: 'Another', goal: 'G' });
        await notices.next((n) => n.method === 'notifications/resources/list_changed', beforeCreate);
        await subscription.close();
      } finally {
        await Promise.all([onA.close(), onB.close()]);
      }
    });
  });
}
