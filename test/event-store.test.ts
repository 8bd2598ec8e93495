// The event store of resumable 2025 streams (src/http/event-store.ts): what a reconnecting client gets
// after its Last-Event-ID, only from its own stream, and the bounds that keep a session's memory small.
import { describe, expect, it } from 'vitest';
import { SessionEventStore } from '../src/http/event-store.js';

const note = (n: number, size = 10) => ({ jsonrpc: '2.0' as const, method: 'notifications/message', params: { n, data: 'x'.repeat(size) } });

async function replay(store: SessionEventStore, after: string) {
  const sent: { id: string; n: number }[] = [];
  const stream = await store.replayEventsAfter(after, { send: async (id, m) => void sent.push({ id, n: (m as unknown as { params: { n: number } }).params.n }) });
  return { stream, sent };
}

describe('the session event store', () => {
  it('replays what came after the last event the client saw, on that stream only', async () => {
    const store = new SessionEventStore();
    const a1 = await store.storeEvent('a', note(1));
    await store.storeEvent('b', note(2));
    await store.storeEvent('a', note(3));
    await store.storeEvent('a', note(4));
    expect(await store.getStreamIdForEventId(a1)).toBe('a');
    const { stream, sent } = await replay(store, a1);
    expect(stream).toBe('a');
    expect(sent.map((e) => e.n)).toEqual([3, 4]);
  });

  it('keeps at most its bounds of events and bytes, oldest dropped first; a dropped id cannot be resumed', async () => {
    const store = new SessionEventStore(3, 1000);
    const ids = [];
    for (let n = 1; n <= 5; n++) ids.push(await store.storeEvent('s', note(n)));
    await expect(replay(store, ids[0]!)).rejects.toThrow(/is not kept/);
    expect((await replay(store, ids[2]!)).sent.map((e) => e.n)).toEqual([4, 5]);
    // one large event pushes out the older ones to stay within the bytes
    const big = await store.storeEvent('s', note(6, 900));
    expect(await store.getStreamIdForEventId(ids[3]!)).toBeUndefined();
    expect(await store.getStreamIdForEventId(big)).toBe('s');
    // an event larger than the whole bound is not kept at all
    const huge = await store.storeEvent('s', note(7, 5000));
    expect(await store.getStreamIdForEventId(huge)).toBeUndefined();
  });
});
