// Missions as MCP resources, with a real client: the template, the paged listing, reading as JSON,
// visibility, and the notices — after our own writes, after another session's writes to the same
// store, and after another process (the CLI) writes to the same file.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { EmptyResultSchema, ResourceListChangedNotificationSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { tokenPrincipal } from '../src/mission/access.js';
import { openMemoryStore } from '../src/store/index.js';
import type { MissionStore } from '../src/store/types.js';
import { BIN, connectInMemory, connectStdio, countedStore, fixedClock, inbox, ok, tempDir, type Harness } from './helpers.js';
import { waitFor } from './wait.js';

type Notice = { method: string; uri?: string };

/** A client that records resource notices. */
function watching() {
  const notices = inbox<Notice>();
  const beforeConnect = (client: Client) => {
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => notices.push({ method: n.method, uri: n.params.uri }));
    client.setNotificationHandler(ResourceListChangedNotificationSchema, (n) => notices.push({ method: n.method }));
  };
  return { notices, beforeConnect };
}
const updated = (uri: string) => (n: Notice) => n.method === 'notifications/resources/updated' && n.uri === uri;
const textOf = (content: unknown) => (content as { text: string }).text;
/** The missions among listed resources (the first page also names the mission board). */
const missionsIn = <T extends { uri: string }>(resources: T[]) => resources.filter((r) => r.uri.startsWith('mission://'));
const listChanged = (n: Notice) => n.method === 'notifications/resources/list_changed';

const open: Harness[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});
const keep = <T extends Harness>(h: T) => (open.push(h), h);
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('reading missions as resources', () => {
  it('declares resources with subscribe and listChanged, and one template, mission://{id}', async () => {
    const h = keep(await connectInMemory());
    expect(h.client.getServerCapabilities()?.resources).toEqual({ subscribe: true, listChanged: true });
    const { resourceTemplates } = await h.client.listResourceTemplates();
    expect(resourceTemplates).toEqual([expect.objectContaining({ uriTemplate: 'mission://{id}', mimeType: 'application/json' })]);
  });

  it('reads a mission as its full JSON, and an unknown or malformed URI as an error', async () => {
    const h = keep(await connectInMemory({ defaultMode: 'compact' }));
    const { mission } = await ok(h.client, 'createMission', { title: 'Digest', goal: 'Summarise', stats: { leads: 3 } });
    const { contents } = await h.client.readResource({ uri: `mission://${mission.id}` });
    expect(contents).toHaveLength(1);
    expect(contents[0]).toMatchObject({ uri: `mission://${mission.id}`, mimeType: 'application/json' });
    const full = await ok(h.client, 'getMission', { id: mission.id, mode: 'full' });
    expect(JSON.parse(textOf(contents[0]))).toEqual(full.mission); // full even on a compact server

    await expect(h.client.readResource({ uri: 'mission://msn_AAAAAAAAAAAAAAAAAAAA' })).rejects.toMatchObject({ code: -32002 });
    await expect(h.client.readResource({ uri: 'mission://msn_nope' })).rejects.toMatchObject({ code: -32002, message: expect.stringMatching(/not found: mission:\/\/msn_nope/) });
    await expect(h.client.readResource({ uri: 'https://example.com/x' })).rejects.toThrow(/Not a mission URI/);
  });

  it('answers a uri that is not a string (or missing) with -32602 saying what uri should be, never a zod dump', async () => {
    const h = keep(await connectInMemory());
    for (const method of ['resources/read', 'resources/subscribe', 'resources/unsubscribe'] as const) {
      for (const params of [{ uri: 5 }, { uri: null }, { uri: { id: 'msn_x' } }, {}]) {
        const answer = h.client.request({ method, params } as never, EmptyResultSchema);
        await expect(answer, `${method} ${JSON.stringify(params)}`).rejects.toMatchObject({ code: -32602 });
        await expect(answer).rejects.toThrow(new RegExp(`${method} needs params.uri, a mission URI as a string`));
        await expect(answer).rejects.not.toThrow(/invalid_type|expected/);
      }
    }
  });

  it('lists the missions newest first, 100 a page, every mission once', async () => {
    const clock = fixedClock('2026-03-02T08:00:00Z');
    const h = keep(await connectInMemory({ now: clock.now }));
    const ids = new Set<string>();
    for (let i = 0; i < 105; i++) {
      clock.advance(1000);
      ids.add((await ok(h.client, 'createMission', { title: `M${i}`, goal: 'G' })).mission.id);
    }
    const first = await h.client.listResources();
    // the first page leads with the mission board (an MCP App, test/board-app.test.ts), then 100 missions
    expect(first.resources[0]).toMatchObject({ uri: 'ui://missions/board' });
    first.resources.shift();
    expect(first.resources).toHaveLength(100);
    expect(first.resources[0]).toMatchObject({ name: expect.stringMatching(/^msn_/), title: 'M104', mimeType: 'application/json' });
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await h.client.listResources({ cursor: first.nextCursor! });
    expect(second.resources).toHaveLength(5);
    expect(second.nextCursor).toBeUndefined();
    const listed = [...first.resources, ...second.resources].map((r) => r.uri);
    expect(new Set(listed)).toEqual(new Set([...ids].map((id) => `mission://${id}`)));
    await expect(h.client.listResources({ cursor: 'garbage' })).rejects.toThrow(/cursor/);
  });

  it('shows a caller only the missions it may see; the others do not exist for it', async () => {
    const store = openMemoryStore();
    const bob = keep(await connectInMemory({ store, identity: tokenPrincipal('bob', 'acme') }));
    const alice = keep(await connectInMemory({ store, identity: tokenPrincipal('alice', 'acme') }));
    const secret = (await ok(bob.client, 'createMission', { title: 'Secret', goal: 'G' })).mission;
    const shared = (await ok(bob.client, 'createMission', { title: 'Shared', goal: 'G', visibility: 'organization' })).mission;
    const { resources } = await alice.client.listResources();
    expect(missionsIn(resources).map((r) => r.title)).toEqual(['Shared']);
    await expect(alice.client.readResource({ uri: `mission://${secret.id}` })).rejects.toMatchObject({ code: -32002 });
    await expect(alice.client.subscribeResource({ uri: `mission://${secret.id}` })).rejects.toMatchObject({ code: -32002 });
    expect((await alice.client.readResource({ uri: `mission://${shared.id}` })).contents).toHaveLength(1);
  });
});

describe('notices', () => {
  it('updated for a subscribed mission after our own write, and not for missions nobody subscribed to', async () => {
    const { notices, beforeConnect } = watching();
    const h = keep(await connectInMemory({ beforeConnect }));
    const a = (await ok(h.client, 'createMission', { title: 'A', goal: 'G' })).mission;
    const b = (await ok(h.client, 'createMission', { title: 'B', goal: 'G' })).mission;
    await h.client.subscribeResource({ uri: `mission://${b.id}` });
    await ok(h.client, 'updateMission', { id: a.id, title: 'A2' });
    await ok(h.client, 'pauseMission', { id: b.id });
    await notices.next(updated(`mission://${b.id}`));
    expect(notices.received.filter((n) => n.uri === `mission://${a.id}`)).toEqual([]);

    // after unsubscribing, b's changes are news no more; a's are, once subscribed
    await h.client.unsubscribeResource({ uri: `mission://${b.id}` });
    await h.client.subscribeResource({ uri: `mission://${a.id}` });
    const from = notices.received.length;
    await ok(h.client, 'resumeMission', { id: b.id });
    await ok(h.client, 'updateMission', { id: a.id, title: 'A3' });
    await notices.next(updated(`mission://${a.id}`), from);
    expect(notices.received.slice(from).filter((n) => n.uri === `mission://${b.id}`)).toEqual([]);
  });

  it('list_changed after a create and after a delete, once the client has listed resources', async () => {
    const { notices, beforeConnect } = watching();
    const h = keep(await connectInMemory({ beforeConnect }));
    await h.client.listResources();
    const { mission } = await ok(h.client, 'createMission', { title: 'New', goal: 'G' });
    await notices.next(listChanged);
    await h.client.subscribeResource({ uri: `mission://${mission.id}` });
    const from = notices.received.length;
    await ok(h.client, 'deleteMission', { id: mission.id });
    await notices.next(listChanged, from);
    await notices.next(updated(`mission://${mission.id}`), from); // a subscriber hears that it is gone
    await expect(h.client.readResource({ uri: `mission://${mission.id}` })).rejects.toMatchObject({ code: -32002 });
  });

  it("reach a session when another session changes the shared store", async () => {
    const store = openMemoryStore();
    const { notices, beforeConnect } = watching();
    const watcher = keep(await connectInMemory({ store, beforeConnect, resourcePollMs: 20 }));
    const writer = keep(await connectInMemory({ store }));
    const { mission } = await ok(writer.client, 'createMission', { title: 'Theirs', goal: 'G' });
    await watcher.client.listResources();
    await watcher.client.subscribeResource({ uri: `mission://${mission.id}` });
    await ok(writer.client, 'updateMission', { id: mission.id, goal: 'Changed elsewhere' });
    await notices.next(updated(`mission://${mission.id}`));
    await ok(writer.client, 'createMission', { title: 'Another', goal: 'G' });
    await notices.next(listChanged);
  });

  it('reach a stdio client when another process (the CLI) writes to the same store file', async () => {
    const store = join(tmp.dir, 'shared.json');
    const cli = (tool: string, input: object) => {
      const r = spawnSync(process.execPath, [BIN, 'call', tool, '--store', store, '--input-json', JSON.stringify(input)], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: tmp.dir },
      });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const first = cli('createMission', { title: 'From the shell', goal: 'G' }).mission;
    const { notices, beforeConnect } = watching();
    const h = keep(await connectStdio(['--store', store], { HOME: tmp.dir }, beforeConnect));
    await h.client.listResources();
    await h.client.subscribeResource({ uri: `mission://${first.id}` });

    cli('updateMission', { id: first.id, status: 'paused' });
    await notices.next(updated(`mission://${first.id}`));
    const paused = JSON.parse(textOf((await h.client.readResource({ uri: `mission://${first.id}` })).contents[0]));
    expect(paused.status).toBe('paused');

    const from = notices.received.length;
    cli('createMission', { title: 'Second', goal: 'G' });
    await notices.next(listChanged, from);
    expect(missionsIn((await h.client.listResources()).resources).map((r) => r.title).sort()).toEqual(['From the shell', 'Second']);
  });
});

describe('the watcher polls only for subscribers, and never after the session closes', () => {
  /** A real memory store seen through a counter of its reads (one per session, one store beneath). */
  const counted = (inner: MissionStore) => {
    const { store, calls } = countedStore(inner, 'changesSince');
    return { store, reads: calls };
  };
  /** Waits until a subscribed session's own poll has read the store `n` more times. */
  const ticks = (who: string, reads: () => number, n: number) => {
    const from = reads();
    return waitFor(`${who} to poll the store ${n} more times`, () => reads() >= from + n, { everyMs: 5 });
  };

  it('a session that only listed resources does not poll; a subscribed one does until it closes', async () => {
    const shared = openMemoryStore();
    const lister = counted(shared);
    const subscriber = counted(shared);
    const clock = counted(shared); // a third subscriber: its polls measure time passing
    const pollMs = 5;
    const a = keep(await connectInMemory({ store: lister.store, resourcePollMs: pollMs }));
    const b = await connectInMemory({ store: subscriber.store, resourcePollMs: pollMs });
    const c = keep(await connectInMemory({ store: clock.store, resourcePollMs: pollMs }));
    const { mission } = await ok(c.client, 'createMission', { title: 'Watched', goal: 'G' });
    await a.client.listResources();
    await b.client.subscribeResource({ uri: `mission://${mission.id}` });
    await c.client.subscribeResource({ uri: `mission://${mission.id}` });

    const listed = lister.reads();
    await ticks('the subscriber', subscriber.reads, 5); // b polls
    await ticks('the third session', clock.reads, 5);
    expect(lister.reads(), 'a session that only listed reads the store only when asked').toBe(listed);

    await b.close(); // the client goes: its session's poll stops
    const closed = subscriber.reads();
    await ticks('the third session', clock.reads, 10);
    expect(subscriber.reads(), 'no store read after the session closed').toBe(closed);

    // a lister still hears list_changed after its own writes
    const { notices, beforeConnect } = watching();
    const d = keep(await connectInMemory({ store: counted(shared).store, beforeConnect }));
    await d.client.listResources();
    await ok(d.client, 'createMission', { title: 'Mine', goal: 'G' });
    await notices.next(listChanged);
  });
});
