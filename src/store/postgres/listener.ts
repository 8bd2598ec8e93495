// LISTEN/NOTIFY: one connection per store listens on the change channel and tells local watchers,
// so that resource subscribers on every instance hear of changes made through any other. When the
// connection drops (a database restart) it reconnects, and then tells watchers to look (something
// may have changed meanwhile). Started by the first watcher, stopped by close().
import type { Client } from 'pg';
import { CHANNEL } from './apply.js';
import { loadPg } from './driver.js';
import type { Target } from './target.js';

const RECONNECT_MS = 1000;

export class ChangeListener {
  private readonly listeners = new Set<() => void>();
  private client: Client | undefined;
  private connecting: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  private lastProblem = '';

  constructor(
    private readonly url: string,
    private readonly target: Target,
    private readonly log: (message: string) => void,
  ) {}

  add(listener: () => void): () => void {
    this.closed = false;
    this.listeners.add(listener);
    this.start();
    return () => this.listeners.delete(listener);
  }

  /** This process changed missions: tell local watchers now (the NOTIFY also reaches the others). */
  changed(): void {
    for (const l of [...this.listeners]) l();
  }

  private start(): void {
    if (this.client || this.connecting || this.closed) return;
    this.connecting = this.open().finally(() => (this.connecting = undefined));
  }

  private async open(): Promise<void> {
    const pg = await loadPg();
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 10_000 });
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => undefined);
      this.problem(`listening for changes on PostgreSQL at ${this.target.host}:${this.target.port} stopped${error ? ` (${error.message})` : ''}; reconnecting`);
      this.schedule();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', () => this.changed());
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      client.end().catch(() => undefined);
      this.problem(`cannot listen for changes on PostgreSQL at ${this.target.host}:${this.target.port} (${(error as Error).message}); retrying`);
      this.schedule();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.lastProblem = '';
    this.changed(); // caught up after a gap
  }

  private problem(message: string): void {
    if (message !== this.lastProblem) this.log(message);
    this.lastProblem = message;
  }

  private schedule(): void {
    if (this.closed || this.retry || this.listeners.size === 0) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.start();
    }, RECONNECT_MS);
    this.retry.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
