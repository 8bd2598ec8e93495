// 2026-07-28 over HTTP: each request served on its own by SDK v2's createMcpHandler (legacy: 'reject';
// 2025 traffic never gets here, see ../http/streamable.ts), one handler per caller. A request names
// everything it needs (version, client, capabilities in its _meta; Mcp-Method and Mcp-Name headers the
// SDK checks against the body), so any instance answers it: nothing is kept between requests but the
// caller's handler, whose bus (change-bus.ts) feeds that caller's subscriptions/listen streams from the
// store's change feed, and whose `maxSubscriptions` bounds the streams one caller may hold open.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createMcpHandler, type McpHttpHandler } from '@modelcontextprotocol/server';
import { principalKey, type Identity } from '../mission/access.js';
import type { StoreChangeFeed } from './change-feed.js';
import { VisibleChangeBus } from './change-bus.js';
import { webRequestOf, writeWebResponse } from './fetch-bridge.js';
import type { ModernServer } from './server.js';
import { RUN_HEADER, RUN_META_KEY } from '../run/agent-caller.js';

/**
 * A 2026-07-28 request carries everything in its body's _meta: an Mcp-Mission-Run header (the run an
 * agent says it calls from) becomes `_meta["missions-mcp/runId"]` of a tools/call that names none.
 */
function withRunHeader(body: unknown, header: string | string[] | undefined): unknown {
  const runId = Array.isArray(header) ? header[0] : header;
  const call = body as { method?: unknown; params?: { _meta?: Record<string, unknown> } } | null;
  if (!runId || Array.isArray(body) || call?.method !== 'tools/call' || typeof call.params !== 'object' || call.params === null) return body;
  if (call.params._meta?.[RUN_META_KEY] !== undefined) return body;
  return { ...call, params: { ...call.params, _meta: { ...call.params._meta, [RUN_META_KEY]: runId } } };
}

export interface ModernHttpOptions {
  /** A fresh v2 server for one request of this caller. */
  newServer(identity: Identity): ModernServer;
  /** The process's change feed (made on first use). */
  feed: () => StoreChangeFeed;
  /** subscriptions/listen streams one caller may hold open at once. */
  maxListenersPerPrincipal: number;
  maxBody: number;
  log: (message: string) => void;
}

export interface ModernHttp {
  /** Serves one modern request whose JSON body was read already. Resolves when the answer is written. */
  handle(req: IncomingMessage, res: ServerResponse, identity: Identity, body: unknown, corsHeaders: Record<string, string>): Promise<void>;
  /** Ends every open listen stream (gracefully: the stream gets its final result) and in-flight exchange. */
  close(): Promise<void>;
  /** Open subscriptions/listen streams, for /healthz. */
  listeners(): number;
}

export function createModernHttp(options: ModernHttpOptions): ModernHttp {
  const handlers = new Map<string, McpHttpHandler>();
  const buses = new Map<string, VisibleChangeBus>();
  let streams = 0;
  const handlerFor = (identity: Identity): McpHttpHandler => {
    const key = principalKey(identity);
    let handler = handlers.get(key);
    if (!handler) {
      const bus = new VisibleChangeBus(options.feed(), identity);
      buses.set(key, bus);
      handler = createMcpHandler(() => options.newServer(identity).server, {
        legacy: 'reject',
        bus,
        maxSubscriptions: options.maxListenersPerPrincipal,
        maxRequestBodySize: options.maxBody,
        onerror: (error) => options.log(`2026-07-28: ${error.message}`),
      });
      handlers.set(key, handler);
    }
    return handler;
  };
  return {
    async handle(req, res, identity, body, corsHeaders) {
      const { request, abort } = webRequestOf(req);
      res.once('close', abort);
      const listen = !Array.isArray(body) && (body as { method?: unknown } | null)?.method === 'subscriptions/listen';
      if (listen) streams += 1;
      try {
        const response = await handlerFor(identity).fetch(request, { parsedBody: withRunHeader(body, req.headers[RUN_HEADER]) });
        await writeWebResponse(res, response, corsHeaders);
      } finally {
        if (listen) streams -= 1;
        res.off('close', abort);
      }
    },
    async close() {
      await Promise.allSettled([...handlers.values()].map((h) => h.close()));
    },
    listeners: () => streams,
  };
}
