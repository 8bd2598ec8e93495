// Stopping the HTTP server: no new connections, the requests in progress (tool calls, their writes,
// their answers) finish within a grace period, then every session and connection is closed.
import type { Server } from 'node:http';
import type { RequestCounter } from './requests.js';
import type { SessionRegistry } from './sessions.js';

/** True when everything in progress finished within `graceMs`; false when some of it was cut. */
/** `closeStreams` ends what is open but not in progress (2026-07-28 listen streams), once requests are done. */
export async function shutdownGracefully(httpServer: Server, sessions: SessionRegistry, requests: RequestCounter, graceMs: number, closeStreams: () => Promise<void> = async () => undefined): Promise<boolean> {
  const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
  httpServer.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs);
  });
  const settled = (async () => {
    await sessions.drainAll();
    await requests.idle();
    return true;
  })();
  const clean = await Promise.race([settled, timedOut]);
  clearTimeout(timer);
  await closeStreams();
  await sessions.closeAll();
  httpServer.closeAllConnections();
  await closed;
  return clean;
}
