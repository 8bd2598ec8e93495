// Resumable streams for 2025 Streamable HTTP sessions (SEP-1699): each session keeps the last events it
// sent, so that a client whose SSE stream broke reconnects with Last-Event-ID and gets what it missed.
// The SDK's transport does the protocol (event ids, the priming event, `retry:`, the replay); this is
// only its EventStore, and it is bounded: per session at most MAX_EVENTS events and MAX_BYTES of their
// JSON, oldest dropped first. An event id older than what is kept cannot be resumed (the client gets an
// error and starts over, as it would without resumability). It lives and dies with its session.
import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export const MAX_EVENTS = 64;
export const MAX_BYTES = 256 * 1024;

interface StoredEvent {
  id: string;
  streamId: string;
  message: JSONRPCMessage;
  bytes: number;
}

export class SessionEventStore implements EventStore {
  private readonly events: StoredEvent[] = [];
  private readonly byId = new Map<string, StoredEvent>();
  private bytes = 0;
  private counter = 0;

  constructor(
    private readonly maxEvents = MAX_EVENTS,
    private readonly maxBytes = MAX_BYTES,
  ) {}

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const id = `${++this.counter}-${streamId}`;
    const bytes = Buffer.byteLength(JSON.stringify(message));
    const event = { id, streamId, message, bytes };
    if (bytes <= this.maxBytes) {
      this.events.push(event);
      this.byId.set(id, event);
      this.bytes += bytes;
    }
    while (this.events.length > this.maxEvents || this.bytes > this.maxBytes) {
      const old = this.events.shift()!;
      this.byId.delete(old.id);
      this.bytes -= old.bytes;
    }
    return id;
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    return this.byId.get(eventId)?.streamId;
  }

  async replayEventsAfter(lastEventId: string, { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> }): Promise<string> {
    const last = this.byId.get(lastEventId);
    if (!last) throw new Error(`event ${lastEventId} is not kept (each session keeps its last ${this.maxEvents} events, ${this.maxBytes} bytes)`);
    for (const e of this.events.slice(this.events.indexOf(last) + 1)) if (e.streamId === last.streamId) await send(e.id, e.message);
    return last.streamId;
  }
}
