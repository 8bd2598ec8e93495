// Every HTTP request's way in: refused while stopping, checked (repeated headers, Host and Origin),
// answered for CORS, then routed: /healthz, the board's page, or an MCP path once the caller is known.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_USER, type Identity } from '../mission/access.js';
import type { Authenticator } from './auth.js';
import type { BoardFiles } from './board.js';
import { errorStyleOf, repeatedHeader, sendError, sendJson, type ErrorStyle, type Guards } from './guards.js';
import type { Health } from './health.js';
import { MCP_PATH } from './streamable.js';
import { MESSAGES_PATH, SSE_PATH, type SseHandlers } from './sse.js';

export interface Routes {
  guards: Guards;
  auth: Authenticator;
  board: BoardFiles;
  stopping(): boolean;
  health(): Health;
  /** The store's own health, for a store that can go away (PostgreSQL); absent for a file. */
  storeHealth?: () => Promise<{ ok: boolean; detail: string }>;
  mcp(req: IncomingMessage, res: ServerResponse, identity: Identity, style: ErrorStyle): Promise<void>;
  sse: SseHandlers;
}

/** The caller, or null when a 401 was sent. */
function identify(auth: Authenticator, req: IncomingMessage, res: ServerResponse, style: ErrorStyle): Identity | null {
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
    style,
  );
  return null;
}

function corsHeaders(guards: Guards, req: IncomingMessage, res: ServerResponse): void {
  const origin = guards.allowedOrigin(req);
  if (origin === undefined) return;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Expose-Headers', 'Mcp-Session-Id, WWW-Authenticate');
}

/** Which method each MCP path takes ('any': the transport decides). */
const MCP_ROUTES: Record<string, string> = { [MCP_PATH]: 'any', [SSE_PATH]: 'GET', [MESSAGES_PATH]: 'POST' };

export function createRouter(routes: Routes): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { guards, board } = routes;
  return async (req, res) => {
    // A 2026-07-28 caller (by its MCP-Protocol-Version or Mcp-Method header) hears every refusal as a
    // JSON-RPC error object; anyone else as SPEC §9 says (guards.ts, ErrorStyle).
    const style = errorStyleOf(req);
    if (routes.stopping()) {
      res.setHeader('Connection', 'close');
      return sendError(res, 503, 'unavailable', 'The server is shutting down.', {}, style);
    }
    const repeated = repeatedHeader(req);
    if (repeated) return sendError(res, 400, 'bad_request', `The request has several ${repeated} headers; send exactly one.`, {}, style);
    const refusal = guards.refuse(req);
    if (refusal) return sendError(res, 403, 'forbidden', refusal, {}, style);
    corsHeaders(guards, req, res);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST, DELETE',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Mcp-Method, Mcp-Name, Last-Event-ID',
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return;
    }
    if (path === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'method_not_allowed', 'Use GET /healthz.', { Allow: 'GET' });
      // A store that can go away (PostgreSQL) is asked too: 503 while it cannot be reached.
      if (!routes.storeHealth) return sendJson(res, 200, routes.health());
      return void routes.storeHealth().then((database) => sendJson(res, database.ok ? 200 : 503, { ...routes.health(), database }));
    }
    if (board.serves(path)) return board.handle(req, res, path); // the mission board's page (SPEC §14)
    const method = MCP_ROUTES[path];
    if (method === undefined) {
      return sendError(res, 404, 'not_found', `Nothing at ${path}. MCP is served at ${MCP_PATH} (Streamable HTTP) and ${SSE_PATH} (legacy SSE).`, {}, style);
    }
    if (method !== 'any' && req.method !== method) return sendError(res, 405, 'method_not_allowed', `Use ${method} ${path}.`, { Allow: method }, style);
    const identity = identify(routes.auth, req, res, style);
    if (!identity) return;
    if (path === MCP_PATH) return routes.mcp(req, res, identity, style);
    if (path === SSE_PATH) return routes.sse.open(res, identity);
    return routes.sse.post(req, res, url, identity);
  };
}
