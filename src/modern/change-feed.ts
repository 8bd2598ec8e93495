// One process's reading of the store's own change feed, for the change notices of 2026-07-28 clients
// (subscriptions/listen): the store says something changed (PostgreSQL's LISTEN/NOTIFY, through
// onChange) or, for a store that cannot say (the JSON file), it is asked on a timer; either way the
// store's changesSince answers what changed since the version last read, O(changes). It is read once
// per process however many listeners there are, and only while there is one. No second bus: what
// another instance wrote reaches this one's listeners through the store itself.
import { DEFAULT_POLL_MS } from '../resource-watcher.js';
import type { MissionChange, MissionStore } from '../store/types.js';

/** `null`: the store no longer knows what changed (treat everything as changed). */
export type ChangeListener = (changes: readonly MissionChange[] | null) => void;

export class StoreChangeFeed {
  private readonly listeners = new Set<ChangeListener>();
  private version: number | undefined;
  private starting: Promise<void>;
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private lastProblem = '';

  constructor(
    private readonly store: MissionStore,
    private readonly log: (message: string) => void,
    private readonly pollMs = DEFAULT_POLL_MS,
  ) {
    // The version is read now, before any listener comes: a listen stream's acknowledgement is sent
    // before its listener is added, and a write made right after it must not fall before the version
    // the feed starts from. Between listeners the version is kept, not forgotten, for the same reason
    // (a change made while nobody listened gives a new listener one notice too many, never one too few).
    this.starting = this.store.changesSince(undefined).then(
      (c) => {
        this.version ??= c.version;
      },
      (error: unknown) => this.problem(error),
    );
  }

  get size(): number {
    return this.listeners.size;
  }

  /** Hears every change from now on; returns the unsubscribe. The feed runs while it has a listener. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.start();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Reads the feed now (after this process wrote): its listeners hear at once, not at the next poll. */
  check(): Promise<void> {
    if (this.listeners.size === 0) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.read();
      } while (this.again && this.listeners.size > 0);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private start(): void {
    if (this.version === undefined) {
      // The store could not be read when the feed was made: start from now.
      this.starting = this.store.changesSince(undefined).then(
        (c) => {
          this.version ??= c.version;
        },
        (error: unknown) => this.problem(error),
      );
    }
    void this.check(); // what changed while nobody listened
    if (this.store.onChange) this.unlisten = this.store.onChange(() => void this.check());
    else {
      this.timer = setInterval(() => void this.check(), this.pollMs);
      this.timer.unref();
    }
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.unlisten?.();
    this.timer = undefined;
    this.unlisten = undefined;
  }

  private async read(): Promise<void> {
    await this.starting;
    if (this.version === undefined) return;
    let changes: readonly MissionChange[] | null;
    try {
      const next = await this.store.changesSince(this.version);
      if (next.version === this.version) return;
      this.version = next.version;
      changes = next.changes;
      this.lastProblem = '';
    } catch (error) {
      return this.problem(error);
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(changes);
      } catch (error) {
        this.log(`change notices: a listener failed: ${(error as Error).message}`);
      }
    }
  }

  private problem(error: unknown): void {
    const message = (error as Error).message;
    if (message !== this.lastProblem) this.log(`change notices: cannot read the store's changes: ${message}`);
    this.lastProblem = message;
  }
}
