// `serve --transport http` (SPEC §9): node:http in front of the SDK's transports. Streamable HTTP at
// /mcp (stateful sessions), the legacy HTTP+SSE transport at GET /sse + POST /messages, GET /healthz.
// Each session gets its own MCP server from createServer (the same factory as stdio) with the
// caller's identity in its ToolDeps; every session shares the one store. This file does network
// work only: who is calling, which session, how big, and when to stop. GET / is the mission board's page.
import { randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { HttpConfig } from '../config.js';
import { realDeps } from '../deps.js';
import type { Limits } from '../limits.js';
import type { Logger } from '../dispatch.js';
import { LOCAL_USER, principalKey, type Identity } from '../mission/access.js';
import type { Mode } from '../mission/input.js';
import { createServer } from '../server.js';
import type { MissionStore } from '../store/types.js';
import type { Authenticator } from './auth.js';
import { createBoardFiles } from './board.js';
import { createGuards, isLoopbackName, readBody, repeatedHeader, sendError, sendJson } from './guards.js';
import { InFlightIds, duplicateIdErrors } from './request-ids.js';
import { SessionLimits, type Admission } from './session-limits.js';
import { SessionRegistry, type Session } from './sessions.js';

export class BindRefusedError extends Error {}

export interface HttpServerOptions {
  http: HttpConfig;
  store: MissionStore;
  auth: Authenticator;
  outputMode: Mode;
  readOnly: boolean;
  /** Mission size, missions per owner, answer size (DEFAULT_LIMITS when absent). */
  limits?: Limits;
  log: Logger;
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

export interface Health {
  status: 'ok' | 'stopping';
  sessions: number;
  streamable: number;
  sse: number;
  requests: number;
  /** Sessions polling the store for resource notices (subscribed, with a stream open to hear them). */
  watching: number;
  /** Principals with at least one open session, and the most sessions one of them holds (no names). */
  principals: number;
  mostSessionsOfOnePrincipal: number;
  limits: { sessionsPerPrincipal: number; sessions: number };
}

const MCP_PATH = '/mcp';
const SSE_PATH = '/sse';
const MESSAGES_PATH = '/messages';

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
  const { http: config, store, auth, log } = options;
  if (!auth.required && !(await isLoopbackHost(config.host))) {
    throw new BindRefusedError(
      `refusing to listen on ${config.host} without tokens: anyone who can reach it would act as the local user. ` +
        'Set MISSIONS_TOKEN or --auth-file (MISSIONS_AUTH_FILE), or listen on 127.0.0.1.',
    );
  }
  const guards = createGuards({ bindHost: config.host, allowedHosts: config.allowedHosts, allowedOrigins: config.allowedOrigins });
  const sessions = new SessionRegistry(config.sessionIdle * 1000, log);
  const limits = new SessionLimits({ perPrincipal: config.maxSessionsPerPrincipal, total: config.maxSessions });
  const board = createBoardFiles();
  let requests = 0;
  let idleWaiters: (() => void)[] = [];
  let stopping = false;

  const health = (): Health => {
    const { total, streamable, sse, watching } = sessions.counts();
    const held = limits.counts();
    return {
      status: stopping ? 'stopping' : 'ok',
      sessions: total,
      streamable,
      sse,
      requests,
      watching,
      principals: held.principals,
      mostSessionsOfOnePrincipal: held.mostByOnePrincipal,
      limits: { sessionsPerPrincipal: held.limits.perPrincipal, sessions: held.limits.total },
    };
  };

  /** Counts a request until its answer is written or its connection is gone. */
  const track = (res: ServerResponse, sessionId: string | undefined) => {
    requests += 1;
    const endSession = sessionId ? sessions.begin(sessionId) : () => undefined;
    res.once('close', () => {
      requests -= 1;
      endSession();
      if (requests === 0) {
        for (const wake of idleWaiters) wake();
        idleWaiters = [];
      }
    });
  };

  const identify = (req: IncomingMessage, res: ServerResponse): Identity | null => {
    if (!auth.required) return LOCAL_USER;
    const who = auth.identify(req);
    if (who) return who;
    const presented = req.headers.authorization !== undefined;
    sendError(
      res,
      401,
      'unauthorized',
      presented ? 'The bearer token is not valid for this server.' : 'This server needs "Authorization: Bearer <token>".',
      { 'WWW-Authenticate': presented ? 'Bearer realm="missions-mcp", error="invalid_token"' : 'Bearer realm="missions-mcp"' },
    );
    return null;
  };

  const sessionGone = (res: ServerResponse) =>
    sendError(res, 404, 'not_found', 'Session not found: it was ended (DELETE, idle timeout, server restart) or never existed. Start a new session.');

  /** A JSON body within the size limit, or undefined when an answer was already sent. */
  const jsonBody = async (req: IncomingMessage, res: ServerResponse): Promise<unknown> => {
    const body = await readBody(req, res, config.maxBody);
    if (!body.ok) return undefined;
    try {
      return JSON.parse(body.text);
    } catch {
      sendJson(res, 400, { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error: the body is not valid JSON' }, id: null });
      return undefined;
    }
  };

  /** A slot for one more session of this caller, or undefined when the refusal was sent (429/503). */
  const admit = (res: ServerResponse, identity: Identity): Extract<Admission, { ok: true }> | undefined => {
    const admission = limits.admit(principalKey(identity));
    if (admission.ok) return admission;
    sendError(res, admission.status, 'too_many_sessions', admission.message);
    return undefined;
  };

  const newServer = (identity: Identity, canNotify?: () => boolean) =>
    createServer(realDeps(store, options.outputMode, identity, options.limits), { readOnly: options.readOnly, log, canNotify });

  type StreamableSession = Session & { transport: StreamableHTTPServerTransport; streamOpened(): () => void; inFlight: InFlightIds };

  async function handleMcp(req: IncomingMessage, res: ServerResponse, identity: Identity): Promise<void> {
    const owner = principalKey(identity);
    const header = req.headers['mcp-session-id'];
    const sessionId = Array.isArray(header) ? header[0] : header;
    if (!['GET', 'POST', 'DELETE'].includes(req.method ?? '')) {
      sendError(res, 405, 'method_not_allowed', `${req.method} is not used on ${MCP_PATH}; use POST, GET or DELETE.`, { Allow: 'GET, POST, DELETE' });
      return;
    }
    if (sessionId !== undefined) {
      const session = sessions.find(sessionId, 'streamable', owner) as StreamableSession | undefined;
      if (!session) return sessionGone(res);
      let body: unknown;
      if (req.method === 'POST') {
        body = await jsonBody(req, res);
        if (body === undefined) return;
        const claim = session.inFlight.claim(body);
        if (!claim.ok) {
          const errors = duplicateIdErrors(claim.duplicates);
          return sendJson(res, 400, Array.isArray(body) ? errors : errors[0]);
        }
        res.once('close', claim.release);
        track(res, sessionId);
      } else {
        // An open GET stream keeps its session in use until the client hangs up (a connected client
        // that is merely quiet is not idle); a DELETE counts as one use.
        // While a GET stream is open the session's notices can be heard, so its resource watcher polls.
        const end = sessions.begin(sessionId);
        if (req.method === 'GET') {
          const endStream = session.streamOpened();
          res.once('close', () => {
            end();
            endStream();
          });
        } else end();
      }
      await session.transport.handleRequest(req, res, body);
      return;
    }
    if (req.method !== 'POST') {
      sendError(res, 400, 'bad_request', `${req.method} ${MCP_PATH} needs the Mcp-Session-Id header of a session; start one by POSTing initialize.`);
      return;
    }
    const body = await jsonBody(req, res);
    if (body === undefined) return;
    if (!isInitializeRequest(body)) {
      sendError(res, 400, 'bad_request', 'No Mcp-Session-Id header: the first request of a session must be initialize (one message, not a batch).');
      return;
    }
    const slot = admit(res, identity);
    if (!slot) return;
    // Notices outside a request reach a Streamable HTTP client only on its GET stream; without one the
    // resource watcher would poll for nobody (a client that left without DELETE keeps its session until
    // it is idle).
    let streams = 0;
    const { server, drain, watching, onClose } = newServer(identity, () => streams > 0);
    let opened = false;
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        opened = true;
        sessions.add(session(id));
        track(res, id);
      },
    });
    const session = (id: string): StreamableSession => ({
      id,
      kind: 'streamable',
      owner,
      transport,
      drain,
      watching,
      close: () => server.close(),
      inFlight: new InFlightIds(),
      streamOpened: () => {
        streams += 1;
        let ended = false;
        return () => {
          if (!ended) streams -= 1;
          ended = true;
        };
      },
    });
    onClose(() => {
      if (transport.sessionId) sessions.remove(transport.sessionId);
      slot.release();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    } finally {
      // An initialize the transport refused (a bad Accept header, say) opened no session.
      if (!opened) {
        slot.release();
        void server.close().catch(() => undefined);
      }
    }
  }

  async function openSse(req: IncomingMessage, res: ServerResponse, identity: Identity): Promise<void> {
    const slot = admit(res, identity);
    if (!slot) return;
    const { server, drain, watching, onClose } = newServer(identity);
    const transport = new SSEServerTransport(MESSAGES_PATH, res);
    const session: Session & { transport: SSEServerTransport } = {
      id: transport.sessionId,
      kind: 'sse',
      owner: principalKey(identity),
      transport,
      drain,
      watching,
      close: () => server.close(),
    };
    onClose(() => {
      sessions.remove(session.id);
      slot.release();
    });
    sessions.add(session);
    res.once('close', sessions.begin(session.id)); // connected while its stream is open: never idle
    try {
      await server.connect(transport); // writes the headers and the endpoint event
    } catch (error) {
      sessions.remove(session.id);
      slot.release();
      throw error;
    }
  }

  async function postSse(req: IncomingMessage, res: ServerResponse, url: URL, identity: Identity): Promise<void> {
    const id = url.searchParams.get('sessionId') ?? '';
    const session = sessions.find(id, 'sse', principalKey(identity)) as (Session & { transport: SSEServerTransport }) | undefined;
    if (!session) return sessionGone(res);
    const body = await jsonBody(req, res);
    if (body === undefined) return;
    track(res, id);
    await session.transport.handlePostMessage(req, res, body);
  }

  const corsHeaders = (req: IncomingMessage, res: ServerResponse) => {
    const origin = guards.allowedOrigin(req);
    if (origin === undefined) return;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', 'Mcp-Session-Id, WWW-Authenticate');
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (stopping) {
      res.setHeader('Connection', 'close');
      return sendError(res, 503, 'unavailable', 'The server is shutting down.');
    }
    const repeated = repeatedHeader(req);
    if (repeated) return sendError(res, 400, 'bad_request', `The request has several ${repeated} headers; send exactly one.`);
    const refusal = guards.refuse(req);
    if (refusal) return sendError(res, 403, 'forbidden', refusal);
    corsHeaders(req, res);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST, DELETE',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID',
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return;
    }
    if (path === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'method_not_allowed', 'Use GET /healthz.', { Allow: 'GET' });
      // A store that can go away (PostgreSQL) is asked too: 503 while it cannot be reached.
      if (!store.health) return sendJson(res, 200, health());
      return void store.health().then((database) => sendJson(res, database.ok ? 200 : 503, { ...health(), database }));
    }
    if (board.serves(path)) return board.handle(req, res, path); // the mission board's page (SPEC §14)
    const routes: Record<string, string> = { [MCP_PATH]: 'any', [SSE_PATH]: 'GET', [MESSAGES_PATH]: 'POST' };
    const method = routes[path];
    if (method === undefined) {
      return sendError(res, 404, 'not_found', `Nothing at ${path}. MCP is served at ${MCP_PATH} (Streamable HTTP) and ${SSE_PATH} (legacy SSE).`);
    }
    if (method !== 'any' && req.method !== method) return sendError(res, 405, 'method_not_allowed', `Use ${method} ${path}.`, { Allow: method });
    const identity = identify(req, res);
    if (!identity) return;
    if (path === MCP_PATH) return handleMcp(req, res, identity);
    if (path === SSE_PATH) return openSse(req, res, identity);
    return postSse(req, res, url, identity);
  }

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
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      });
      const settled = (async () => {
        await sessions.drainAll();
        if (requests > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
        return true;
      })();
      const clean = await Promise.race([settled, timedOut]);
      clearTimeout(timer);
      await sessions.closeAll();
      httpServer.closeAllConnections();
      await closed;
      return clean;
    },
  };
}
