// Issue 19, step 1: the measurement behind the SDK choice (docs/protocol.md). One tool ("echo") served
// three ways in a child process each: SDK v1's Server over a Streamable HTTP session (today's 2025
// serving), SDK v2's low-level Server over a 2025 session (v2's own WebStandard transport), and v2's
// createMcpHandler serving 2026-07-28 statelessly. Prints, per way: cold start (spawn → listening,
// median of 5), a tools/call round trip (median of 300 after 50 warm-up calls, one client), and the
// server's RSS/heap after the calls. Run: node bench/sdk-prototype.mjs (figures only; nothing fails on time).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const MODES = ['v1-session', 'v2-session', 'v2-modern'];

async function serveChild(mode) {
  const started = performance.now();
  const echo = { name: 'echo', description: 'echo', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } };
  const answer = (args) => ({ content: [{ type: 'text', text: JSON.stringify(args ?? {}) }] });
  let handle;
  if (mode === 'v1-session') {
    const { Server } = await import('@modelcontextprotocol/sdk/server/index.js');
    const { StreamableHTTPServerTransport } = await import('@modelcontextprotocol/sdk/server/streamableHttp.js');
    const { ListToolsRequestSchema, CallToolRequestSchema } = await import('@modelcontextprotocol/sdk/types.js');
    const sessions = new Map();
    handle = async (req, res, body) => {
      const id = req.headers['mcp-session-id'];
      if (id) return sessions.get(id).handleRequest(req, res, body);
      const server = new Server({ name: 'p', version: '1' }, { capabilities: { tools: {} } });
      server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [echo] }));
      server.setRequestHandler(CallToolRequestSchema, (r) => answer(r.params.arguments));
      const t = new StreamableHTTPServerTransport({ sessionIdGenerator: () => crypto.randomUUID(), enableJsonResponse: true, onsessioninitialized: (s) => sessions.set(s, t) });
      await server.connect(t);
      await t.handleRequest(req, res, body);
    };
  } else {
    const { Server, createMcpHandler, WebStandardStreamableHTTPServerTransport } = await import('@modelcontextprotocol/server');
    const build = () => {
      const server = new Server({ name: 'p', version: '1' }, { capabilities: { tools: {} } });
      server.setRequestHandler('tools/list', () => ({ tools: [echo] }));
      server.setRequestHandler('tools/call', (r) => answer(r.params.arguments));
      return server;
    };
    const web = async (req, body, fetchLike) => {
      const request = new Request(`http://x${req.url}`, { method: req.method, headers: req.headers, body: req.method === 'POST' ? body : undefined });
      return fetchLike(request);
    };
    const send = async (res, response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    };
    if (mode === 'v2-modern') {
      const handler = createMcpHandler(build, { legacy: 'reject', responseMode: 'json' });
      handle = async (req, res, body) => send(res, await web(req, body, (r) => handler.fetch(r)));
    } else {
      const sessions = new Map();
      handle = async (req, res, body) => {
        const id = req.headers['mcp-session-id'];
        let t = id && sessions.get(id);
        if (!t) {
          t = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => crypto.randomUUID(), enableJsonResponse: true, onsessioninitialized: (s) => sessions.set(s, t) });
          await build().connect(t);
        }
        await send(res, await web(req, body, (r) => t.handleRequest(r)));
      };
    }
  }
  const http = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      handle(req, res, req.method === 'POST' && mode === 'v1-session' ? JSON.parse(text) : text).catch((e) => {
        process.stderr.write(`${e.stack}\n`);
        res.end();
      });
    });
  });
  http.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: http.address().port, ms: performance.now() - started })}\n`));
  process.on('message', () => {
    const m = process.memoryUsage();
    process.send({ rss: m.rss, heap: m.heapUsed });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function start(mode) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', mode], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const line = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(JSON.parse(d.toString()))));
  return { child, port: line.port, coldMs: performance.now() - t0 };
}

async function client(mode, port) {
  const url = new URL(`http://127.0.0.1:${port}/mcp`);
  if (mode === 'v1-session') {
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
    const c = new Client({ name: 'bench', version: '1' });
    await c.connect(new StreamableHTTPClientTransport(url));
    return c;
  }
  const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
  const c = new Client({ name: 'bench', version: '1' }, mode === 'v2-modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {});
  await c.connect(new StreamableHTTPClientTransport(url));
  return c;
}

async function measure(mode) {
  const colds = [];
  for (let i = 0; i < 5; i++) {
    const s = await start(mode);
    colds.push(s.coldMs);
    s.child.kill();
  }
  const { child, port } = await start(mode);
  try {
    const c = await client(mode, port);
    for (let i = 0; i < 50; i++) await c.callTool({ name: 'echo', arguments: { text: 'warm' } });
    const times = [];
    for (let i = 0; i < 300; i++) {
      const t = performance.now();
      await c.callTool({ name: 'echo', arguments: { text: `call ${i}` } });
      times.push(performance.now() - t);
    }
    const mem = await new Promise((resolve) => {
      child.once('message', resolve);
      child.send('mem');
    });
    await c.close();
    return { mode, coldMs: median(colds), callMs: median(times), rssMB: mem.rss / 2 ** 20, heapMB: mem.heap / 2 ** 20 };
  } finally {
    child.kill();
  }
}

if (process.argv[2] === '--child') await serveChild(process.argv[3]);
else {
  for (const mode of MODES) {
    const r = await measure(mode);
    console.log(`${r.mode.padEnd(11)} cold start ${r.coldMs.toFixed(0)} ms, tools/call ${r.callMs.toFixed(2)} ms (median of 300), server RSS ${r.rssMB.toFixed(1)} MB, heap ${r.heapMB.toFixed(1)} MB`);
  }
}
