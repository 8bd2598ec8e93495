// `missions-mcp serve --transport http`: Streamable HTTP at /mcp, legacy SSE at /sse, /healthz, the
// board; until SIGTERM/SIGINT, then a graceful drain (a second signal stops at once).
import { UsageError, type Config } from '../config.js';
import { agentsKnowledge } from '../deps.js';
import { AuthConfigError, createAuthenticator } from '../http/auth.js';
import { BindRefusedError, startHttpServer } from '../http/server.js';
import { lineLogger } from '../log.js';
import { untilStopSignal } from '../signals.js';
import { selectTools } from '../../tools/index.js';
import type { Io } from './io.js';
import { agentsOrUsageError, embeddedWorker } from './run.js';
import { logStore, openConfiguredStore } from './store.js';

export async function serveOverHttp(config: Config, io: Io): Promise<number> {
  const log = lineLogger(io.err);
  if (config.runner.enabled) agentsOrUsageError(config.runner); // a bad agents file is bad usage before listening
  let auth;
  try {
    auth = createAuthenticator({ token: config.http.token, authFile: config.http.authFile, warn: log });
  } catch (error) {
    if (error instanceof AuthConfigError) throw new UsageError(error.message);
    throw error;
  }
  const store = openConfiguredStore(config);
  let running;
  try {
    running = await startHttpServer({ http: config.http, store, auth, outputMode: config.outputMode, readOnly: config.readOnly, tools: selectTools({ readOnly: config.readOnly }), limits: config.limits, agents: agentsKnowledge(config.runner.agentsFile, config.runner.approvalTimeoutMs), log });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof BindRefusedError) throw new UsageError(error.message);
    if (code === 'EADDRINUSE') throw new UsageError(`port ${config.http.port} on ${config.http.host} is in use; pick another with --port (MISSIONS_PORT)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') {
      throw new UsageError(`cannot listen on ${config.http.host}:${config.http.port} (${code})`);
    }
    throw error;
  }
  const stopped = untilStopSignal();
  const loaded = logStore(store, log); // in the background: requests are taken at once, tool calls wait for it
  const worker = embeddedWorker(config, store, io);
  log(
    auth.required
      ? `bearer tokens required (${auth.count} configured)`
      : 'no tokens configured (MISSIONS_TOKEN, --auth-file): loopback only, every request acts as the local user',
  );
  const idle = config.http.sessionIdle === 0 ? 'never' : `after ${config.http.sessionIdle} s`;
  log(`sessions: at most ${config.http.maxSessions}, ${config.http.maxSessionsPerPrincipal} per caller; idle sessions close ${idle}; request bodies up to ${config.http.maxBody} bytes${config.readOnly ? '; read-only' : ''}; output mode ${config.outputMode}`);
  log(`listening on ${running.origin} (Streamable HTTP at ${running.origin}/mcp, legacy SSE at ${running.origin}/sse, health at ${running.origin}/healthz)`);
  const signal = await stopped;
  const before = running.health();
  log(`${signal}: finishing ${before.requests} request(s) in progress, then closing ${before.sessions} session(s); a second signal stops at once`);
  const [clean] = await Promise.all([running.shutdown(), worker?.stop(), loaded]);
  await store.close().catch((error: unknown) => log(`closing the store: ${(error as Error).message}`));
  log(clean ? 'stopped' : 'stopped before every request in progress had finished (grace period over)');
  return clean ? 0 : 1;
}
