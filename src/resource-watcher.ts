// Change notices for one session's resources. The watcher remembers the store version it last looked
// at and asks the store what changed since (O(changes), never a diff of every mission):
// `notifications/resources/updated` for a subscribed mission that changed or went away,
// `notifications/resources/list_changed` when a mission the caller may see was created or deleted, or
// became visible or invisible. It looks right after each of this server's own writes, when the store
// says another process changed something (PostgreSQL's LISTEN/NOTIFY) or else — while the session
// has subscriptions and its client can hear notices — on a timer, for stores that cannot tell (the
// JSON file). Listing alone does not start a timer. The watcher stops for good when the session closes.
import { canSee, type Identity } from './mission/access.js';
import type { Acl, MissionStore } from './store/types.js';

export type Notify = (level: 'debug' | 'info' | 'warning' | 'error', message: string) => void;

export interface WatcherDeps {
  store: MissionStore;
  /** Who is watching (an agent's server learns its run's owner on its first call). */
  caller(): Identity;
  /** Sends one notice; a closed transport drops it. */
  sendUpdated(uri: string): Promise<void>;
  sendListChanged(): Promise<void>;
  /** False once the connection is gone. */
  connected(): boolean;
  notify: Notify;
}

export interface WatchOptions {
  /** How often a subscribed session looks for changes made by others. */
  pollMs?: number;
  /** False while the client cannot hear notices; the poll then skips asking the store. */
  canNotify?: () => boolean;
}

export const DEFAULT_POLL_MS = 500;

export class ResourceWatcher {
  /** Subscribed mission ids and the mission as last seen (JSON), undefined when it was not visible. */
  private readonly subscriptions = new Map<string, string | undefined>();
  private listed = false;
  /** The store version last looked at; undefined while nobody watches. */
  private version: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => void) | undefined;
  private closed = false;
  private running: Promise<void> | undefined;
  private again = false;
  private lastProblem = '';
  private readonly pollMs: number;
  private readonly canNotify: () => boolean;

  constructor(
    private readonly deps: WatcherDeps,
    options: WatchOptions = {},
  ) {
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.canNotify = options.canNotify ?? (() => true);
  }

  /** Call before reading what a list or subscription starts from: remembers the current version, so no later change is missed. */
  async prepare(): Promise<void> {
    if (this.version === undefined) this.version = (await this.deps.store.changesSince(undefined)).version;
  }

  /** The client listed resources: from now on it hears list_changed. */
  listedNow(): void {
    this.listed = true;
    this.update();
  }

  /** Starts watching a mission; `current` is the mission as the caller saw it after prepare(). */
  subscribe(id: string, current: unknown): void {
    this.subscriptions.set(id, JSON.stringify(current));
    this.update();
  }

  unsubscribe(id: string): void {
    this.subscriptions.delete(id);
    this.update();
  }

  /** True while this session watches the store for others' changes (a poll, or the store's own notices). */
  polling(): boolean {
    return (this.timer !== undefined || this.unlisten !== undefined) && this.canNotify();
  }

  close(): void {
    this.closed = true;
    this.subscriptions.clear();
    this.listed = false;
    this.update();
  }

  /** Looks for changes and sends notices; one look at a time, and one more if asked meanwhile. */
  check(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.compare();
      } while (this.again && !this.closed);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private sees(acl: Acl | null): boolean {
    return acl !== null && canSee(acl, this.deps.caller());
  }

  private async compare(): Promise<void> {
    if (this.closed || this.version === undefined) return;
    const { store } = this.deps;
    const identity = this.deps.caller();
    let sends: Promise<void>[];
    try {
      const { version, changes } = await store.changesSince(this.version);
      if (version === this.version || this.closed || this.version === undefined) return;
      this.version = version;
      const changed = changes === null ? null : new Set(changes.map((c) => c.id));
      sends = [];
      for (const [id, before] of this.subscriptions) {
        if (changed && !changed.has(id)) continue;
        const m = await store.get(id);
        const now = m && canSee(m, identity) ? JSON.stringify(m) : undefined;
        if (now === before || !this.subscriptions.has(id)) continue;
        this.subscriptions.set(id, now);
        sends.push(this.deps.sendUpdated(`mission://${id}`));
      }
      const listChanged = changes === null || changes.some((c) => this.sees(c.before) !== this.sees(c.after));
      if (listChanged && this.listed) sends.push(this.deps.sendListChanged());
    } catch (error) {
      const problem = (error as Error).message;
      if (problem !== this.lastProblem) this.deps.notify('warning', `watching for changes: ${problem}`);
      this.lastProblem = problem;
      return;
    }
    this.lastProblem = '';
    await Promise.all(sends.map((p) => p.catch(() => undefined))); // a closed transport drops notices
  }

  private update(): void {
    const tracking = !this.closed && (this.subscriptions.size > 0 || this.listed); // checked after our own writes
    const watch = !this.closed && this.subscriptions.size > 0; // and for others' writes:
    const notices = watch && this.deps.store.onChange !== undefined; // told by the store (PostgreSQL's NOTIFY),
    const poll = watch && !notices; // or else polling it
    if (poll && !this.timer) {
      this.timer = setInterval(() => {
        if (!this.deps.connected()) return this.close(); // the connection is gone
        if (this.canNotify()) void this.check();
      }, this.pollMs);
      this.timer.unref();
    } else if (!poll && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    if (notices && !this.unlisten) {
      this.unlisten = this.deps.store.onChange!(() => {
        if (!this.deps.connected()) return this.close();
        if (this.canNotify()) void this.check();
      });
    } else if (!notices && this.unlisten) {
      this.unlisten();
      this.unlisten = undefined;
    }
    if (!tracking) this.version = undefined; // nobody is watching: start afresh when someone does
  }
}
