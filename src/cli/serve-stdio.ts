// `missions-mcp [serve]`: MCP over stdio until stdin ends or SIGTERM/SIGINT. stdout carries only the
// protocol; every line for people goes to stderr.
import { StdioServerTransport, serveStdio } from '@modelcontextprotocol/server/stdio';
import type { Config } from '../config.js';
import { MAX_STDIO_LINE_BYTES, limitLineLength } from '../line-limit.js';
import { lineLogger } from '../log.js';
import { StoreChangeFeed } from '../modern/change-feed.js';
import { createModernServer, type ModernServer } from '../modern/server.js';
import { taskToolsOf } from '../modern/tasks.js';
import { selectTools } from '../../tools/index.js';
import type { Io } from './io.js';
import { agentsOrUsageError, embeddedWorker } from './run.js';
import { configuredDeps, logStore, openConfiguredStore } from './store.js';

export async function serveOverStdio(config: Config, io: Io): Promise<number> {
  const log = lineLogger(io.err);
  const store = openConfiguredStore(config);
  if (config.runner.enabled) agentsOrUsageError(config.runner); // a bad agents file is bad usage before serving
  // SDK v2's serveStdio pins each connection's era on its first message: 2025 clients (initialize) and
  // 2026-07-28 clients (server/discover, or any request with the _meta envelope) get a server from
  // the same factory, for that era (docs/protocol.md).
  const deps = configuredDeps(config, store, io.env);
  const tools = selectTools({ readOnly: config.readOnly });
  let changeFeed: StoreChangeFeed | undefined; // made for the first 2026-07-28 connection only
  const taskTools = taskToolsOf(tools);
  const instances = new Set<ModernServer>();
  let closedConnection: (() => void) | undefined;
  const answerWhatWasRead = async () => {
    await new Promise((resolve) => setImmediate(resolve)); // the last lines' handlers have started
    await Promise.all([...instances].map((i) => i.drain()));
  };
  const loaded = logStore(store, log); // in the background: initialize and tools/list are answered meanwhile, tool calls wait for it
  const worker = embeddedWorker(config, store, io);
  let exitCode = 0;
  let tooLong: (() => void) | undefined;
  const stdin = process.stdin.pipe(
    limitLineLength(MAX_STDIO_LINE_BYTES, (bytes) => {
      log(
        `stdin: a message line passed ${MAX_STDIO_LINE_BYTES} bytes (${bytes} so far, no line end yet); ` +
          'MCP over stdio reads one JSON-RPC message per line, up to that size. That message was not read; stopping. ' +
          'Send smaller messages (a mission is far smaller), or use --transport http for large requests.',
      );
      exitCode = 1;
      tooLong?.();
    }, answerWhatWasRead),
  );
  // The SDK reader's own limit sits above ours: ours speaks first, and hands it one line at a time.
  const transport = new StdioServerTransport(stdin, process.stdout, { maxBufferSize: MAX_STDIO_LINE_BYTES + 1 });
  const closed = new Promise<void>((resolve) => {
    tooLong = resolve;
    closedConnection = resolve;
    stdin.once('end', resolve);
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  const connection = serveStdio(
    ({ era }) => {
      const feed = era === 'modern' ? (changeFeed ??= new StoreChangeFeed(store, log)) : undefined;
      const instance = createModernServer(deps, { tools, readOnly: config.readOnly, log, era, ...(feed ? { feed, forwardChanges: true } : {}), ...(taskTools ? { tasks: taskTools } : {}) });
      instances.add(instance);
      instance.onClose(() => {
        instances.delete(instance);
        closedConnection?.();
      });
      return instance.server;
    },
    { transport, onerror: (error) => log(`stdio: ${error.message}`) },
  );
  const forRun = deps.runClaim ? `, for run ${deps.runClaim.runId} (MISSION_RUN_ID: as its mission's owner, while it runs)` : '';
  log(`serving over stdio${config.readOnly ? ' (read-only)' : ''}, output mode ${config.outputMode}${forRun}`);
  await closed;
  // Answer every call already received (stdin may close right after the last request) and let
  // its write finish; then close.
  await Promise.all([...[...instances].map((i) => i.drain()), worker?.stop(), loaded]);
  await new Promise((resolve) => setImmediate(resolve));
  await connection.close().catch(() => undefined);
  await store.close().catch((error: unknown) => log(`closing the store: ${(error as Error).message}`));
  process.stdin.unpipe(stdin);
  return exitCode;
}
