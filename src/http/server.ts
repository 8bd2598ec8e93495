// `serve --transport http` (SPEC §9): node:http in front of the SDK's transports. Streamable HTTP at
// /mcp (stateful sessions, streamable.ts), the legacy HTTP+SSE transport at GET /sse + POST /messages
// (sse.ts), GET /healthz (health.ts), routed by router.ts. Each session gets its own MCP server from
// createServer (the same factory as stdio) with the caller's identity in its ToolDeps; every session
// shares the one store. This folder does network work only: who is calling, which session, how big,
// and when to stop (shutdown.ts). GET / is the mission board's page.
import { lookup } from 'node:dns/promises';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Authenticator } from './auth.js';
import { createBoardFiles } from './board.js';
import { createGuards, isLoopbackName, sendError } from './guards.js';
import { healthOf, type Health } from './health.js';
import { RequestCounter } from './requests.js';
import { createRouter } from './router.js';
import { createSessionKit, type SessionKitOptions } from './session-kit.js';
import { SessionLimits } from './session-limits.js';
import { SessionRegistry } from './sessions.js';
import { shutdownGracefully } from './shutdown.js';
import { sseHandlers } from './sse.js';
import { streamableHandler } from './streamable.js';
import { realDeps } from '../deps.js';
import { StoreChangeFeed } from '../modern/change-feed.js';
import { createModernHttp } from '../modern/http.js';
import { createModernServer } from '../modern/server.js';
import { taskToolsOf } from '../modern/tasks.js';

export type { Health };

export class BindRefusedError extends Error {}

export interface HttpServerOptions extends SessionKitOptions {
  auth: Authenticator;
}

export interface RunningHttpServer {
  /** e.g. http://127.0.0.1:3333 */
  readonly origin: string;
  readonly port: number;
  /** Open sessions and requests in progress, as /healthz reports them. */
  health(): Health;
  /**
   * Stops accepting connections, lets every request in progress (tool calls, their writes, their
   * answers) finish within `graceMs`, closes every session and the server. True when nothing was cut.
   */
  shutdown(graceMs?: number): Promise<boolean>;
}

/** True when every address `host` names is a loopback address. */
async function isLoopbackHost(host: string): Promise<boolean> {
  if (isLoopbackName(host)) return true;
  try {
    const addresses = await lookup(host.replace(/^\[|\]$/g, ''), { all: true });
    return addresses.length > 0 && addresses.every((a) => isLoopbackName(a.address));
  } catch {
    return false;
  }
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { http: config, auth, log } = options;
  if (!auth.required && !(await isLoopbackHost(config.host))) {
    throw new BindRefusedError(
      `refusing to listen on ${config.host} without tokens: anyone who can reach it would act as the local user. ` +
        'Set MISSIONS_TOKEN or --auth-file (MISSIONS_AUTH_FILE), or listen on 127.0.0.1.',
    );
  }
  const guards = createGuards({ bindHost: config.host, allowedHosts: config.allowedHosts, allowedOrigins: config.allowedOrigins, tokensRequired: auth.required });
  const sessions = new SessionRegistry(config.sessionIdle * 1000, log);
  const limits = new SessionLimits({ perPrincipal: config.maxSessionsPerPrincipal, total: config.maxSessions });
  const requests = new RequestCounter(sessions);
  const kit = createSessionKit(options, sessions, limits, requests);
  // 2026-07-28: a v2 server per request; listeners hear the store's own change feed (one per process,
  // made with the first modern request, so that a server no 2026 client talks to never reads it).
  let changeFeed: StoreChangeFeed | undefined;
  const feed = () => (changeFeed ??= new StoreChangeFeed(options.store, log));
  const tasks = taskToolsOf(options.tools);
  const modern = createModernHttp({
    newServer: (identity) =>
      createModernServer(realDeps(options.store, { defaultMode: options.outputMode, identity, limits: options.limits, agents: options.agents }), {
        tools: options.tools,
        readOnly: options.readOnly,
        log,
        era: 'modern',
        feed: feed(),
        ...(tasks ? { tasks } : {}),
      }),
    feed,
    maxListenersPerPrincipal: config.maxSessionsPerPrincipal,
    maxBody: config.maxBody,
    log,
  });
  let stopping = false;
  const health = (): Health => healthOf(sessions, limits, requests, stopping);
  const handle = createRouter({
    guards,
    auth,
    board: createBoardFiles(),
    stopping: () => stopping,
    health,
    ...(options.store.health ? { storeHealth: () => options.store.health!() } : {}),
    mcp: streamableHandler(kit, modern),
    sse: sseHandlers(kit),
  });

  const httpServer = createHttpServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`http: ${req.method} ${req.url?.split('?')[0]}: ${(error as Error)?.stack ?? String(error)}`);
      if (!res.headersSent) sendError(res, 500, 'unavailable', 'missions-mcp hit an internal error; the server log has details.');
      else res.end();
    });
  });
  // Slow or stuck clients do not hold sockets forever; SSE streams are exempt from the request timeout
  // once their headers are sent.
  httpServer.headersTimeout = 30_000;
  httpServer.requestTimeout = 120_000;

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const hostPart = address.address.includes(':') ? `[${address.address}]` : address.address;

  return {
    origin: `http://${hostPart}:${address.port}`,
    port: address.port,
    health,
    async shutdown(graceMs = 20_000) {
      stopping = true;
      return shutdownGracefully(httpServer, sessions, requests, graceMs, () => modern.close());
    },
  };
}
