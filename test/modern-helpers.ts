// 2026-07-28 test wiring: SDK v2 clients pinned to that revision (over HTTP and over stdio), and a
// bare fetch for what a client SDK would never send (a header that disagrees with its body).
import { Client } from '@modelcontextprotocol/client';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { BIN } from './helpers.js';

export const MODERN = '2026-07-28';
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

export interface ModernHarness {
  client: Client;
  close(): Promise<void>;
}

export interface ModernOptions {
  token?: string;
  /** Declare the Tasks extension in every request's capabilities. */
  tasks?: boolean;
}

function newClient(options: ModernOptions): Client {
  return new Client(
    { name: 'missions-modern-test', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: MODERN } }, capabilities: options.tasks ? { extensions: { [TASKS_EXTENSION]: {} } } : {} },
  );
}

export async function connectModern(origin: string, options: ModernOptions = {}): Promise<ModernHarness> {
  const headers: Record<string, string> = options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` };
  const client = newClient(options);
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', origin), { requestInit: { headers } }));
  if (client.getProtocolEra() !== 'modern') throw new Error(`expected the modern era, got ${client.getProtocolEra()}`);
  return { client, close: () => client.close() };
}

export async function connectModernStdio(args: string[], options: ModernOptions = {}): Promise<ModernHarness> {
  const client = newClient(options);
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, ...args], env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, stderr: 'pipe' });
  await client.connect(transport);
  if (client.getProtocolEra() !== 'modern') throw new Error(`expected the modern era, got ${client.getProtocolEra()}`);
  return { client, close: () => client.close() };
}

/** The per-request _meta envelope of 2026-07-28, for requests sent by hand. */
export const envelope = (capabilities: Record<string, unknown> = {}) => ({
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': capabilities,
});

/** POSTs one JSON-RPC request by hand, with the standard 2026-07-28 headers unless `headers` overrides them. */
export async function postModern(
  origin: string,
  message: { id: number; method: string; params?: Record<string, unknown> },
  headers: Record<string, string> = {},
  capabilities: Record<string, unknown> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const name = (message.params?.name ?? message.params?.uri ?? message.params?.taskId) as string | undefined;
  const res = await fetch(new URL('/mcp', origin), {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      'MCP-Protocol-Version': MODERN,
      'Mcp-Method': message.method,
      ...(name === undefined ? {} : { 'Mcp-Name': name }),
      ...headers,
    },
    body: JSON.stringify({ jsonrpc: '2.0', ...message, params: { ...message.params, _meta: envelope(capabilities) } }),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    const data = /^data: (.*)$/m.exec(text);
    if (data) body = JSON.parse(data[1]!);
  }
  return { status: res.status, body, headers: res.headers };
}
