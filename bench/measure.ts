// Small measuring tools for the benchmarks: percentiles, timers, child processes over stdio.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema, ListToolsResultSchema } from '@modelcontextprotocol/sdk/types.js';

export interface Summary {
  n: number;
  p50: number;
  p99: number;
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { n: sorted.length, p50: at(0.5), p99: at(0.99) };
}

export async function timeEach(times: number, fn: (i: number) => Promise<unknown>): Promise<Summary> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  return summarize(samples);
}

export interface Peer {
  client: Client;
  pid: number;
  /** tools/call without the client's own output-schema check: what the server costs, not the client. */
  call(name: string, args?: Record<string, unknown>): Promise<any>;
  rssMb(): number;
  close(): Promise<void>;
}

export async function spawnPeer(command: string, args: string[], env: Record<string, string> = {}): Promise<Peer> {
  const transport = new StdioClientTransport({
    command,
    args,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'missions-bench', version: '1.0.0' });
  await client.connect(transport);
  const pid = transport.pid!;
  return {
    client,
    pid,
    async call(name, args = {}) {
      const result = await client.request({ method: 'tools/call', params: { name, arguments: args } }, CallToolResultSchema);
      if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
      return result.structuredContent ?? result;
    },
    rssMb: () => rssMb(pid),
    close: () => client.close(),
  };
}

/** Spawn, connect and answer the first tools/list: the time a client waits before it can work. */
export async function coldStart(command: string, args: string[], env: Record<string, string> = {}): Promise<{ ms: number; peer: Peer }> {
  const t = performance.now();
  const peer = await spawnPeer(command, args, env);
  await peer.client.request({ method: 'tools/list', params: {} }, ListToolsResultSchema);
  return { ms: performance.now() - t, peer };
}

export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

export const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export interface HttpServer {
  origin: string;
  pid: number;
  stop(): Promise<void>;
}

/** `node bin serve --transport http --port 0 --store <store> …extra` with only PATH and HOME; resolves once it listens. */
export function serveHttp(node: string, bin: string, store: string, extra: string[] = []): Promise<HttpServer> {
  const child = spawn(node, [bin, 'serve', '--transport', 'http', '--port', '0', '--store', store, ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+) /.exec(err);
      if (m) resolve({ origin: m[1]!, pid: child.pid!, stop: async () => void (child.kill('SIGTERM'), await exited) });
    });
    void exited.then(() => reject(new Error(`the server exited: ${err}`)));
  });
}
