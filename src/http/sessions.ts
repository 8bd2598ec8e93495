// The open MCP sessions of the HTTP server, both transports: who owns each, when it was last used,
// how many requests it is serving. Idle ones are closed; at shutdown all are drained, then closed.

export type SessionKind = 'streamable' | 'sse';

export interface Session {
  readonly id: string;
  readonly kind: SessionKind;
  /** Requests of another identity never reach this session (they get 404). */
  readonly owner: string;
  /** Resolves when every tool call in progress has answered. */
  drain(): Promise<void>;
  /** True while the session polls the store for resource notices. */
  watching(): boolean;
  /** Closes the transport and the server (once). */
  close(): Promise<void>;
}

interface Entry {
  session: Session;
  lastSeen: number;
  active: number;
}

export class SessionRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout | undefined;

  /** `idleMs` 0 keeps sessions until their client ends them. */
  constructor(
    private readonly idleMs: number,
    private readonly log: (message: string) => void,
    private readonly clock: () => number = Date.now,
  ) {
    if (idleMs > 0) {
      this.sweeper = setInterval(() => this.sweep(), Math.max(100, Math.min(idleMs / 4, 30_000)));
      this.sweeper.unref();
    }
  }

  add(session: Session): void {
    this.entries.set(session.id, { session, lastSeen: this.clock(), active: 0 });
  }

  remove(id: string): void {
    this.entries.delete(id);
  }

  /** The session with this id, kind and owner; anything else is "not found". */
  find(id: string, kind: SessionKind, owner: string): Session | undefined {
    const entry = this.entries.get(id);
    if (!entry || entry.session.kind !== kind || entry.session.owner !== owner) return undefined;
    return entry.session;
  }

  /** Marks a request as started on a session; call the returned function when it has finished. */
  begin(id: string): () => void {
    const entry = this.entries.get(id);
    if (!entry) return () => undefined;
    entry.active += 1;
    entry.lastSeen = this.clock();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      entry.active -= 1;
      entry.lastSeen = this.clock();
    };
  }

  counts(): { total: number; streamable: number; sse: number; watching: number } {
    let streamable = 0;
    let watching = 0;
    for (const e of this.entries.values()) {
      if (e.session.kind === 'streamable') streamable += 1;
      if (e.session.watching()) watching += 1;
    }
    return { total: this.entries.size, streamable, sse: this.entries.size - streamable, watching };
  }

  sweep(): void {
    const now = this.clock();
    for (const [id, e] of this.entries) {
      if (e.active === 0 && now - e.lastSeen >= this.idleMs) {
        this.entries.delete(id);
        this.log(`closing ${e.session.kind} session ${id.slice(0, 8)}…: idle for ${Math.round((now - e.lastSeen) / 1000)} s`);
        void e.session.close().catch(() => undefined);
      }
    }
  }

  /** Waits for every session's tool calls in progress to answer. */
  async drainAll(): Promise<void> {
    await Promise.allSettled([...this.entries.values()].map((e) => e.session.drain()));
  }

  async closeAll(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.allSettled(all.map((e) => e.session.close()));
  }
}
