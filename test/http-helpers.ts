// HTTP test wiring: the built bin serving `--transport http` on a free port, and the SDK's own clients
// (Streamable HTTP and legacy SSE) connected to it. Nothing mocked.
import type { Health } from '../src/http/health.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { BIN, type Harness } from './helpers.js';

export interface HttpServerProcess {
  child: ChildProcess;
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  stderr: () => string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** Sends SIGTERM (unless already gone) and waits for the exit code. */
  stop: () => Promise<number | null>;
}

/** Starts `missions-mcp serve --transport http --port 0 …args` and waits until it listens. */
export function spawnHttp(args: string[], env: Record<string, string> = {}): Promise<HttpServerProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--transport', 'http', '--port', '0', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const match = /listening on (http:\/\/\S+) /.exec(stderr);
      if (match) {
        resolve({
          child,
          origin: match[1]!,
          stderr: () => stderr,
          exited,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`the server exited (${code}) before listening; stdout: ${stdout}; stderr: ${stderr}`)));
  });
}

const authHeaders = (token?: string): Record<string, string> => (token === undefined ? {} : { Authorization: `Bearer ${token}` });

export async function connectStreamable(origin: string, token?: string): Promise<Harness & { transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', origin), { requestInit: { headers: authHeaders(token) } });
  const client = new Client({ name: 'missions-http-test', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    transport,
    close: async () => {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    },
  };
}

export async function connectSse(origin: string, token?: string): Promise<Harness & { transport: SSEClientTransport }> {
  const transport = new SSEClientTransport(new URL('/sse', origin), { requestInit: { headers: authHeaders(token) } });
  const client = new Client({ name: 'missions-http-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, close: () => client.close() };
}

/** What GET /healthz answers: the server's Health, and the database's for a PostgreSQL store. */
export type HealthBody = Health & { database?: { ok: boolean; detail: string } };

export async function health(origin: string): Promise<HealthBody> {
  const res = await fetch(new URL('/healthz', origin));
  return (await res.json()) as never;
}
