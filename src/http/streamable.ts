// /mcp. A 2026-07-28 request (its _meta names the revision) goes to ../modern/http.ts, served on its
// own with no session; which one it is, SDK v2's isLegacyRequest says (the very step its
// createMcpHandler routes by). Everything else is the 2025 family, served as before by SDK v1:
// Streamable HTTP sessions, where POST initialize opens one (its id in Mcp-Session-Id), later POSTs
// carry messages, GET opens the stream for notices, DELETE ends it.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { isLegacyRequest } from '@modelcontextprotocol/server';
import { principalKey, type Identity } from '../mission/access.js';
import { webRequestOf } from '../modern/fetch-bridge.js';
import type { ModernHttp } from '../modern/http.js';
import { requestIdOf, sendError, sendJson, type ErrorStyle } from './guards.js';
import { InFlightIds, claimErrors } from './request-ids.js';
import { sessionGone, type SessionKit } from './session-kit.js';
import { SessionEventStore } from './event-store.js';

/** How soon a client whose stream broke should reconnect (the `retry:` of SSE). */
export const RECONNECT_AFTER_MS = 1000;
import type { Session } from './sessions.js';

export const MCP_PATH = '/mcp';

type StreamableSession = Session & { transport: StreamableHTTPServerTransport; streamOpened(): () => void; inFlight: InFlightIds };

/** Serves /mcp for a caller whose identity is known. */
export function streamableHandler(kit: SessionKit, modern: ModernHttp): (req: IncomingMessage, res: ServerResponse, identity: Identity, style: ErrorStyle) => Promise<void> {
  const { sessions, requests } = kit;

  /** A request of an open session: a message (POST, its body read), its notice stream (GET) or its end (DELETE). */
  async function inSession(req: IncomingMessage, res: ServerResponse, sessionId: string, owner: string, body: unknown): Promise<void> {
    const session = sessions.find(sessionId, 'streamable', owner) as StreamableSession | undefined;
    if (!session) return sessionGone(res);
    if (req.method === 'POST') {
      const claim = session.inFlight.claim(body);
      if (!claim.ok) {
        const errors = claimErrors(claim);
        return sendJson(res, 400, Array.isArray(body) ? errors : errors[0]);
      }
      res.once('close', claim.release);
      requests.track(res, sessionId);
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
  }

  /**
   * A 2026-07-28 request: it takes one of its caller's slots (the same per-caller and total bounds as
   * sessions, SPEC §9) while it is served, a subscriptions/listen stream for as long as it is open.
   */
  async function served(req: IncomingMessage, res: ServerResponse, identity: Identity, body: unknown): Promise<void> {
    const slot = kit.admit(res, identity, { jsonrpc: true, id: requestIdOf(body) });
    if (!slot) return;
    res.once('close', slot.release);
    const listen = (body as { method?: unknown }).method === 'subscriptions/listen';
    // Listen streams stay open until the client or the shutdown ends them: not a request to wait for.
    if (!listen) requests.track(res, undefined);
    await modern.handle(req, res, identity, body, {});
  }

  /** POST initialize without a session id: a new session, if the caller has room for one. */
  async function open(req: IncomingMessage, res: ServerResponse, identity: Identity, body: unknown): Promise<void> {
    if (!isInitializeRequest(body)) {
      sendError(res, 400, 'bad_request', 'No Mcp-Session-Id header: the first request of a session must be initialize (one message, not a batch).');
      return;
    }
    const slot = kit.admit(res, identity);
    if (!slot) return;
    // Notices outside a request reach a Streamable HTTP client only on its GET stream; without one the
    // resource watcher would poll for nobody (a client that left without DELETE keeps its session until
    // it is idle).
    let streams = 0;
    const { server, drain, watching, onClose } = kit.newServer(identity, () => streams > 0);
    let opened = false;
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      // Resumable streams: the session's last events, replayed after Last-Event-ID (event-store.ts).
      eventStore: new SessionEventStore(),
      retryInterval: RECONNECT_AFTER_MS,
      onsessioninitialized: (id) => {
        opened = true;
        sessions.add(session(id));
        requests.track(res, id);
      },
    });
    const session = (id: string): StreamableSession => ({
      id,
      kind: 'streamable',
      owner: principalKey(identity),
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

  return async (req, res, identity, style) => {
    const header = req.headers['mcp-session-id'];
    const sessionId = Array.isArray(header) ? header[0] : header;
    if (!['GET', 'POST', 'DELETE'].includes(req.method ?? '')) {
      sendError(res, 405, 'method_not_allowed', `${req.method} is not used on ${MCP_PATH}; use POST, GET or DELETE.`, { Allow: 'GET, POST, DELETE' }, style);
      return;
    }
    let body: unknown;
    if (req.method === 'POST') {
      body = await kit.jsonBody(req, res, style);
      if (body === undefined) return;
      if (!(await isLegacyRequest(webRequestOf(req).request, body))) return served(req, res, identity, body);
    }
    if (sessionId !== undefined) return inSession(req, res, sessionId, principalKey(identity), body);
    if (req.method !== 'POST') {
      sendError(res, 400, 'bad_request', `${req.method} ${MCP_PATH} needs the Mcp-Session-Id header of a session; start one by POSTing initialize.`, {}, style);
      return;
    }
    return open(req, res, identity, body);
  };
}
