// MCP logging with a real client: the capability, logging/setLevel, the store path once the session is
// initialized, store errors as they happen, and stderr lines for humans alongside.
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { LoggingMessageNotificationSchema, type LoggingMessageNotification } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';
import { MissionError } from '../src/errors.js';
import { openMemoryStore } from '../src/store/index.js';
import type { MissionStore } from '../src/store/types.js';
import { call, connectInMemory, connectStdio, countedStore, failingStore, inbox, ok, tempDir } from './helpers.js';

type Message = LoggingMessageNotification['params'];

function listening() {
  const messages = inbox<Message>();
  const beforeConnect = (client: Client) => client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => messages.push(n.params));
  return { messages, beforeConnect };
}
const saying = (pattern: RegExp) => (m: Message) => pattern.test(String(m.data));

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const brokenStore = (): MissionStore => {
  const fail = async (): Promise<never> => {
    throw new MissionError('store_error', 'The store /data/missions.json is not valid JSON (line 3, column 7). Fix or move the file.');
  };
  return failingStore('/data/missions.json', fail);
};

describe('logging', () => {
  it('declares the capability and tells the client where the store is once initialized', async () => {
    const { messages, beforeConnect } = listening();
    const h = await connectInMemory({ beforeConnect });
    expect(h.client.getServerCapabilities()?.logging).toEqual({});
    const start = await messages.next(saying(/store/));
    expect(start).toMatchObject({ level: 'info', logger: 'missions-mcp' });
    expect(start.data).toBe('store :memory: (0 missions, 0 runs)');
    await h.close();
  });

  it('reports store errors at level error, and honours logging/setLevel', async () => {
    const { messages, beforeConnect } = listening();
    const h = await connectInMemory({ store: brokenStore(), beforeConnect });
    const start = await messages.next(saying(/not valid JSON/));
    expect(start.level).toBe('error');

    await h.client.setLoggingLevel('critical');
    const from = messages.received.length;
    expect((await call(h.client, 'listMissions', {})).body.error.code).toBe('store_error');
    await h.client.setLoggingLevel('warning');
    expect((await call(h.client, 'createMission', { title: 'T', goal: 'G' })).body.error.code).toBe('store_error');
    const reported = await messages.next(saying(/^createMission: /), from);
    expect(reported).toMatchObject({ level: 'error', logger: 'missions-mcp' });
    expect(reported.data).toContain('line 3, column 7');
    // the listMissions failure came while the client wanted only critical messages
    expect(messages.received.slice(from).filter(saying(/listMissions/))).toEqual([]);
    await h.close();
  });

  it('an internal error reaches the client without its stack', async () => {
    const { messages, beforeConnect } = listening();
    const store: MissionStore = countedStore(openMemoryStore(), 'write').store;
    store.write = async () => { throw new TypeError('boom'); };
    const h = await connectInMemory({ store, beforeConnect });
    expect((await call(h.client, 'createMission', { title: 'T', goal: 'G' })).body.error.code).toBe('internal');
    const reported = await messages.next(saying(/internal error/));
    expect(reported.level).toBe('error');
    expect(String(reported.data)).not.toMatch(/boom|at .*:\d+/);
    await h.close();
  });

  it('over stdio: the store path as a notification and as a line on stderr', async () => {
    const { messages, beforeConnect } = listening();
    const store = join(tmp.dir, 'logged.json');
    const h = await connectStdio(['--store', store], { HOME: tmp.dir }, beforeConnect);
    await ok(h.client, 'createMission', { title: 'T', goal: 'G' });
    const start = await messages.next(saying(/store/));
    expect(start.data).toContain(store);
    await h.close();
    expect(h.stderr()).toContain(store);
  });
});
