// Requests in progress on the HTTP server: /healthz reports them, and a shutdown waits for them.
import type { ServerResponse } from 'node:http';
import type { SessionRegistry } from './sessions.js';

export class RequestCounter {
  private inProgress = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly sessions: SessionRegistry) {}

  get count(): number {
    return this.inProgress;
  }

  /** Counts a request (and a use of its session) until its answer is written or its connection is gone. */
  track(res: ServerResponse, sessionId: string | undefined): void {
    this.inProgress += 1;
    const endSession = sessionId ? this.sessions.begin(sessionId) : () => undefined;
    res.once('close', () => {
      this.inProgress -= 1;
      endSession();
      if (this.inProgress === 0) {
        for (const wake of this.idleWaiters) wake();
        this.idleWaiters = [];
      }
    });
  }

  /** Resolves when no request is in progress. */
  async idle(): Promise<void> {
    if (this.inProgress > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }
}
