// The checks every HTTP request passes before it reaches MCP (SPEC §9): Host and Origin (the DNS
// rebinding defence), the body size limit, and the JSON error answers they give.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { hostname as machineName, networkInterfaces } from 'node:os';

export type HttpErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'bad_request'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'too_many_sessions'
  | 'unavailable';

/**
 * How a refusal is written. A 2025 caller (and a browser, the board) gets SPEC §9's
 * `{ "error": { "code", "message" } }`; a 2026-07-28 caller gets a JSON-RPC error object, as that
 * revision wants every HTTP error body: `jsonrpc`, the request's `id` when it was read (else null), the
 * integer code -32000 (the SDK's own code for HTTP-layer refusals) and our word for it in `data.code`.
 */
export interface ErrorStyle {
  jsonrpc: boolean;
  id?: string | number | null;
}

export const SPEC9_STYLE: ErrorStyle = { jsonrpc: false };

/** The first 2026 revision: a caller that names it (or a later one) in MCP-Protocol-Version is a modern caller. */
export const MODERN_REVISION = '2026-07-28';

/** Whether a request comes from a 2026-07-28 client, by its headers (the body may not be read yet). */
export function errorStyleOf(req: IncomingMessage): ErrorStyle {
  const version = req.headers['mcp-protocol-version'];
  const modern = (typeof version === 'string' && /^\d{4}-\d\d-\d\d$/.test(version.trim()) && version.trim() >= MODERN_REVISION) || req.headers['mcp-method'] !== undefined;
  return { jsonrpc: modern };
}

/** The JSON-RPC id of a parsed single request, for an error that answers it. */
export function requestIdOf(body: unknown): string | number | null {
  const id = !Array.isArray(body) && body !== null && typeof body === 'object' ? (body as { id?: unknown }).id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/** Every refusal of the HTTP layer, in the caller's style (see ErrorStyle). */
export function sendError(res: ServerResponse, status: number, code: HttpErrorCode, message: string, headers: Record<string, string> = {}, style: ErrorStyle = SPEC9_STYLE): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify(style.jsonrpc ? { jsonrpc: '2.0', id: style.id ?? null, error: { code: -32000, message, data: { code } } } : { error: { code, message } });
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(body);
}

/** The hostname part of a Host header or an address, lower case, IPv6 in brackets; null if unparsable. */
export function hostnameOf(hostOrAddress: string): string | null {
  const value = hostOrAddress.trim();
  if (value === '') return null;
  const bracketed = isIP(value) === 6 ? `[${value}]` : value;
  try {
    const url = new URL(`http://${bracketed}`);
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null;
    return url.hostname.toLowerCase();
  } catch {
    return null;
  }
}

export function isLoopbackName(name: string): boolean {
  const h = name.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

export function isWildcardAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === '0.0.0.0' || h === '::' || h === '';
}

export interface GuardOptions {
  /** The address the server listens on. */
  bindHost: string;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  /**
   * True when requests carry bearer tokens. Without tokens every request acts as the local user, so
   * a page on another loopback port (any local web server, a dev server, a page a local app opened) must
   * not drive the server: then only the server's own origin (the board) and --allowed-origins pass.
   */
  tokensRequired: boolean;
}

export interface Guards {
  /** Null when the request may go on; otherwise why it is refused (403). */
  refuse(req: IncomingMessage): string | null;
  /** The request's Origin when it is allowed and present (for CORS answers). */
  allowedOrigin(req: IncomingMessage): string | undefined;
}

function normalizeOrigin(origin: string): string | null {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin.toLowerCase();
  } catch {
    return null;
  }
}

export function createGuards(options: GuardOptions): Guards {
  const names = new Set<string>();
  const add = (value: string) => {
    const name = hostnameOf(value);
    if (name) names.add(name);
  };
  if (isWildcardAddress(options.bindHost)) {
    // Listening on every interface: the machine's own addresses and name are its own address.
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) add(i.address);
    add(machineName());
  } else {
    add(options.bindHost);
  }
  for (const h of options.allowedHosts) add(h);
  const origins = new Set(options.allowedOrigins.map((o) => normalizeOrigin(o) ?? o.toLowerCase()));

  const originOf = (req: IncomingMessage): { value: string; ok: boolean } | undefined => {
    const raw = req.headers.origin;
    if (raw === undefined) return undefined;
    const normalized = normalizeOrigin(raw);
    if (normalized === null) return { value: raw, ok: false }; // "null" (sandboxed pages, file://) and the like
    // The page's own origin (the board at GET /): its Host already passed the check, so a page
    // served under that very name is this server's own page, not a rebinding attacker's.
    const sameOrigin = new URL(normalized).host === (req.headers.host ?? '').trim().toLowerCase();
    const loopback = options.tokensRequired && isLoopbackName(new URL(normalized).hostname);
    const ok = origins.has(normalized) || loopback || sameOrigin;
    return { value: normalized, ok };
  };

  return {
    refuse(req) {
      const host = req.headers.host;
      const name = host === undefined ? null : hostnameOf(host);
      if (name === null || !(isLoopbackName(name) || names.has(name))) {
        return `Host "${host ?? ''}" is not this server's address. Connect through an address the server listens on, or add the name with --allowed-hosts (MISSIONS_ALLOWED_HOSTS).`;
      }
      const origin = originOf(req);
      if (origin && !origin.ok) {
        const which = options.tokensRequired
          ? 'Only loopback origins are allowed'
          : 'Without tokens (every request acts as the local user) only pages of this server, such as its board, are allowed';
        return `Origin "${origin.value}" is not allowed. ${which} unless --allowed-origins (MISSIONS_ALLOWED_ORIGINS) lists more.`;
      }
      return null;
    },
    allowedOrigin(req) {
      const origin = originOf(req);
      return origin?.ok ? req.headers.origin : undefined;
    },
  };
}

/**
 * The name of a header that must appear once but came several times (Host, Authorization), or null.
 * Node keeps only the first of each, so a second one could otherwise pass unseen, one proxy reading
 * the first and another the last.
 */
export function repeatedHeader(req: IncomingMessage): string | null {
  for (const name of ['host', 'authorization'] as const) if ((req.headersDistinct[name]?.length ?? 0) > 1) return name === 'host' ? 'Host' : 'Authorization';
  return null;
}

export type BodyResult = { ok: true; text: string } | { ok: false };

/**
 * Reads a request body of at most `limit` bytes. Over the limit it answers 413 itself (at once when
 * Content-Length says so), discards what else arrives up to a bound, and closes the connection.
 */
export function readBody(req: IncomingMessage, res: ServerResponse, limit: number, style: ErrorStyle = SPEC9_STYLE): Promise<BodyResult> {
  const tooLarge = () => {
    sendError(res, 413, 'payload_too_large', `The request body is larger than ${limit} bytes, the limit of this server (--max-body, MISSIONS_MAX_BODY).`, {
      Connection: 'close',
    }, style);
    // Let the client finish sending so it can read the answer, but do not read forever.
    let discarded = 0;
    req.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > 8 * limit + 16 * 1024 * 1024) req.destroy();
    });
    req.resume();
  };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    tooLarge();
    return Promise.resolve({ ok: false });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        done = true;
        req.off('data', onData);
        tooLarge();
        resolve({ ok: false });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (!done) resolve({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
    });
    req.once('error', () => {
      if (!done) resolve({ ok: false });
      done = true;
    });
    req.once('close', () => {
      if (!done && !req.complete) {
        done = true;
        resolve({ ok: false });
      }
    });
  });
}
