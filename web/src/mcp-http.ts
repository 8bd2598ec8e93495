// A small MCP client over Streamable HTTP for the board's tab: initialize once, then tools/call as
// JSON-RPC POSTs to /mcp with the session id and the bearer token. Answers come as JSON or as an SSE
// stream that ends with the answer; both are read whole. A session the server forgot (restart, idle
// timeout) is started again once; a 401 throws AuthError so that the page asks for a token.
import { resultOf, type BoardApi } from './api';

export class AuthError extends Error {}

const PROTOCOL_VERSION = '2025-06-18';

interface JsonRpcAnswer {
  id?: number | string | null;
  result?: unknown;
  error?: { code: number; message: string };
}

/** The JSON-RPC message with `id` in an SSE body (`data:` lines of each event). */
function fromEventStream(text: string, id: number): JsonRpcAnswer | undefined {
  for (const event of text.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (!data) continue;
    const message = JSON.parse(data) as JsonRpcAnswer;
    if (message.id === id) return message;
  }
  return undefined;
}

export class McpHttpClient implements BoardApi {
  private sessionId: string | undefined;
  private protocolVersion = PROTOCOL_VERSION;
  private starting: Promise<void> | undefined;
  private nextId = 1;

  constructor(
    private readonly endpoint: string,
    private readonly token: () => string | null,
  ) {}

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
    const token = this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (this.sessionId) {
      headers['Mcp-Session-Id'] = this.sessionId;
      headers['Mcp-Protocol-Version'] = this.protocolVersion;
    }
    return headers;
  }

  private async post(message: Record<string, unknown>): Promise<Response> {
    const response = await fetch(this.endpoint, { method: 'POST', headers: this.headers(), body: JSON.stringify(message), credentials: 'omit' });
    if (response.status === 401) throw new AuthError('The server needs a valid token.');
    return response;
  }

  private async request(method: string, params: Record<string, unknown>): Promise<unknown> {
    const id = this.nextId++;
    const response = await this.post({ jsonrpc: '2.0', id, method, params });
    if (response.status === 404 && this.sessionId) throw new SessionGone();
    if (!response.ok) {
      const body = await response.text();
      let message = `${response.status} ${response.statusText}`;
      try {
        message = (JSON.parse(body) as { error: { message: string } }).error.message;
      } catch {
        // not our JSON error body: keep the status line
      }
      throw new Error(message);
    }
    if (method === 'initialize') this.sessionId = response.headers.get('Mcp-Session-Id') ?? undefined;
    const type = response.headers.get('Content-Type') ?? '';
    const text = await response.text();
    const answer = type.includes('text/event-stream') ? fromEventStream(text, id) : (JSON.parse(text) as JsonRpcAnswer);
    if (!answer) throw new Error(`No answer to ${method}.`);
    if (answer.error) throw new Error(answer.error.message);
    return answer.result;
  }

  /** Starts a session (once at a time). */
  connect(): Promise<void> {
    this.starting ??= (async () => {
      this.sessionId = undefined;
      const result = (await this.request('initialize', {
        protocolVersion: PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: 'missions-board', version: '1' },
      })) as { protocolVersion: string };
      this.protocolVersion = result.protocolVersion;
      await this.post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    })().finally(() => (this.starting = undefined));
    return this.starting;
  }

  async call<T>(tool: string, args: Record<string, unknown>, meta?: Record<string, unknown>): Promise<T> {
    if (!this.sessionId) await this.connect();
    const params = { name: tool, arguments: args, ...(meta && { _meta: meta }) };
    try {
      return resultOf<T>((await this.request('tools/call', params)) as never);
    } catch (error) {
      if (!(error instanceof SessionGone)) throw error;
      await this.connect();
      return resultOf<T>((await this.request('tools/call', params)) as never);
    }
  }

  /** Ends the session (DELETE /mcp); used when the tab goes away or the token changes. */
  close(): void {
    if (!this.sessionId) return;
    const headers = this.headers();
    this.sessionId = undefined;
    void fetch(this.endpoint, { method: 'DELETE', headers, keepalive: true, credentials: 'omit' }).catch(() => undefined);
  }
}

class SessionGone extends Error {}
