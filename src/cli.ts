// main(argv): serve (stdio), call, tools, schema, --help, --version (SPEC §10). stdout carries only
// the protocol (serve) or the command's answer; everything for humans goes to stderr.
import { untilStopSignal } from './signals.js';
import { StoreChangeFeed } from './modern/change-feed.js';
import { createModernServer, type ModernServer } from './modern/server.js';
import { taskToolsOf } from './modern/tasks.js';
import { StdioServerTransport, serveStdio } from '@modelcontextprotocol/server/stdio';
import { allTools, selectTools } from '../tools/index.js';
import { OPTIONS, UsageError, parseCommandLine, resolveConfig, type Config } from './config.js';
import { agentsKnowledge, realDeps } from './deps.js';
import { callTool, jsonSchemaOf } from './dispatch.js';
import { MAX_STDIO_LINE_BYTES, limitLineLength } from './line-limit.js';
import { PACKAGE } from './package-info.js';
import { AuthConfigError, createAuthenticator } from './http/auth.js';
import { BindRefusedError, startHttpServer } from './http/server.js';
import { existsSync } from 'node:fs';
import { lineLogger } from './log.js';
import { runClaimFromEnv } from './run/agent-caller.js';
import { MissionError } from './errors.js';
import { describeStore } from './store/describe.js';
import { openJsonFileStore, openStore } from './store/index.js';
import { MigrateRefused, copyStore } from './store/migrate.js';
import { defaultStorePath } from './store/paths.js';
import type { MissionStore } from './store/types.js';
import { agentsOrUsageError, createWorker, runWorker } from './runner/command.js';
import type { Worker } from './runner/worker.js';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
};

function helpText(env: NodeJS.ProcessEnv): string {
  const rows: [string, string, string][] = [
    ...Object.entries(OPTIONS).map(([name, o]): [string, string, string] => [`--${name}${o.type === 'string' ? ' VALUE' : ''}`, o.env, o.help]),
    ['(no flag)', 'MISSIONS_TOKEN', 'http: one bearer token, user "default", org null'],
    ['(no flag)', 'MISSIONS_COMPACT_AT_BYTES', 'tuning: fold the journal into the snapshot past this size (default 4194304)'],
    ['(no flag)', 'MISSIONS_STOP_GRACE', 'run: seconds a running agent gets to finish on SIGTERM (default 30)'],
  ];
  const [w1, w2] = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length)) + 1);
  const flags = rows.map(([flag, env, help]) => `  ${flag.padEnd(w1!)}${env.padEnd(w2!)}${help}`).join('\n');
  return `${PACKAGE.name} ${PACKAGE.version} — an MCP server that keeps durable, schedulable missions for AI agents.

Usage:
  missions-mcp [serve] [options]            serve MCP over stdio (the default)
  missions-mcp serve --transport http [--host 127.0.0.1] [--port 3333] [options]
                                            serve Streamable HTTP at /mcp, legacy SSE at /sse, GET /healthz
  missions-mcp serve --runner [options]     also run due missions in the server process (stdio or http)
  missions-mcp run [--agents FILE] [--concurrency 2] [--lease 60] [--max-depth 3] [--once] [options]
                                            a worker: runs due missions with the agents' commands until SIGTERM
                                            (--once: what is due now, then exit 0 if all succeeded, else 1);
                                            slots go round robin over the owners with due work;
                                            --only-user USER / --only-org ORG: one tenant's missions only
  missions-mcp call <tool> --input-json '<json>' [--mode full|compact] [options]
                                            call one tool; prints its result JSON (exit 0, 1 on a tool error)
  missions-mcp migrate --from FILE --to postgres://user:pass@host:5432/db
                                            copy a JSON store (missions, runs, output) into an empty PostgreSQL store
  missions-mcp tools [--read-only]          list the tools, one line each
  missions-mcp schema <tool>                print the tool's input and output JSON Schemas
  missions-mcp --help | --version

Options (flag, environment variable; a flag wins):
${flags}

Default store here: ${defaultStorePath(env)}
Exit codes: 0 success, 1 tool error (or a failed run with run --once), 2 bad usage. Logs go to stderr; stdout carries only the protocol or the answer.
`;
}

function openConfiguredStore(config: Config) {
  return openStore(config.store, config.compactAtBytes === undefined ? {} : { compactAtBytes: config.compactAtBytes });
}

function findTool(name: string | undefined) {
  const tool = allTools.find((t) => t.name === name);
  if (!tool) throw new UsageError(`unknown tool "${name ?? ''}"; run "missions-mcp tools" to see them`);
  return tool;
}

/**
 * Loads the store and logs what it holds (or why it cannot be read). Servers start this without
 * waiting: initialize and tools/list are answered while a large store loads, and each tool call waits
 * for the load (the store reads it once; every call goes through that read). Never rejects.
 */
async function logStore(store: MissionStore, log: (message: string) => void): Promise<void> {
  try {
    log(await describeStore(store));
  } catch (error) {
    log(`${(error as Error).message} Every tool call will answer store_error until this is fixed.`);
  }
}


/** `serve --runner`: the same worker as `run`, inside the server; null when off. */
function embeddedWorker(config: Config, store: MissionStore, io: Io): Worker | null {
  if (!config.runner.enabled) return null;
  const agents = agentsOrUsageError(config.runner);
  const worker = createWorker(store, { ...config.runner, once: false }, agents, lineLogger(io.err, 'missions-mcp run'));
  void worker.start();
  return worker;
}

async function serveHttp(config: Config, io: Io): Promise<number> {
  const log = lineLogger(io.err);
  if (config.runner.enabled) agentsOrUsageError(config.runner); // a bad agents file is bad usage before listening
  let auth;
  try {
    auth = createAuthenticator({ token: config.http.token, authFile: config.http.authFile, warn: log });
  } catch (error) {
    if (error instanceof AuthConfigError) throw new UsageError(error.message);
    throw error;
  }
  const store = openConfiguredStore(config);
  let running;
  try {
    running = await startHttpServer({ http: config.http, store, auth, outputMode: config.outputMode, readOnly: config.readOnly, tools: selectTools({ readOnly: config.readOnly }), limits: config.limits, agents: agentsKnowledge(config.runner.agentsFile, config.runner.approvalTimeoutMs), log });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof BindRefusedError) throw new UsageError(error.message);
    if (code === 'EADDRINUSE') throw new UsageError(`port ${config.http.port} on ${config.http.host} is in use; pick another with --port (MISSIONS_PORT)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') {
      throw new UsageError(`cannot listen on ${config.http.host}:${config.http.port} (${code})`);
    }
    throw error;
  }
  const stopped = untilStopSignal();
  const loaded = logStore(store, log); // in the background: requests are taken at once, tool calls wait for it
  const worker = embeddedWorker(config, store, io);
  log(
    auth.required
      ? `bearer tokens required (${auth.count} configured)`
      : 'no tokens configured (MISSIONS_TOKEN, --auth-file): loopback only, every request acts as the local user',
  );
  const idle = config.http.sessionIdle === 0 ? 'never' : `after ${config.http.sessionIdle} s`;
  log(`sessions: at most ${config.http.maxSessions}, ${config.http.maxSessionsPerPrincipal} per caller; idle sessions close ${idle}; request bodies up to ${config.http.maxBody} bytes${config.readOnly ? '; read-only' : ''}; output mode ${config.outputMode}`);
  log(`listening on ${running.origin} (Streamable HTTP at ${running.origin}/mcp, legacy SSE at ${running.origin}/sse, health at ${running.origin}/healthz)`);
  const signal = await stopped;
  const before = running.health();
  log(`${signal}: finishing ${before.requests} request(s) in progress, then closing ${before.sessions} session(s); a second signal stops at once`);
  const [clean] = await Promise.all([running.shutdown(), worker?.stop(), loaded]);
  await store.close().catch((error: unknown) => log(`closing the store: ${(error as Error).message}`));
  log(clean ? 'stopped' : 'stopped before every request in progress had finished (grace period over)');
  return clean ? 0 : 1;
}

async function serve(config: Config, io: Io): Promise<number> {
  if (config.transport === 'http') return serveHttp(config, io);
  const log = lineLogger(io.err);
  const store = openConfiguredStore(config);
  if (config.runner.enabled) agentsOrUsageError(config.runner); // a bad agents file is bad usage before serving
  // SDK v2's serveStdio pins each connection's era on its first message: 2025 clients (initialize) and
  // 2026-07-28 clients (server/discover, or any request with the _meta envelope) get a server from
  // the same factory, for that era (docs/protocol.md).
  const deps = realDeps(store, { defaultMode: config.outputMode, limits: config.limits, agents: agentsKnowledge(config.runner.agentsFile, config.runner.approvalTimeoutMs), runClaim: runClaimFromEnv(io.env) });
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

async function call(config: Config, positionals: string[], values: Record<string, unknown>, io: Io): Promise<number> {
  const tool = findTool(positionals[0]);
  if (config.readOnly && !tool.annotations.readOnlyHint) throw new UsageError(`${tool.name} changes missions; it is not offered with --read-only`);
  // The arguments come as --input-json or as the one positional after the tool name, not both.
  const [, positional, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected arguments after ${tool.name}: ${extra.join(' ')}; give the input as one JSON object`);
  if (positional !== undefined && values['input-json'] !== undefined) throw new UsageError('give the input either as --input-json or as the argument after the tool name, not both');
  const raw = positional ?? (values['input-json'] as string | undefined);
  let input: Record<string, unknown> = {};
  if (raw !== undefined) {
    const from = positional !== undefined ? 'the input after the tool name' : '--input-json';
    try {
      input = JSON.parse(String(raw)) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`${from} is not valid JSON: ${(error as Error).message}`);
    }
    if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new UsageError(`${from} must be a JSON object`);
  }
  if (values.mode !== undefined) {
    if (values.mode !== 'full' && values.mode !== 'compact') throw new UsageError(`--mode must be full or compact, not "${String(values.mode)}"`);
    input = { ...input, mode: values.mode };
  }
  const store = openConfiguredStore(config);
  const deps = realDeps(store, { defaultMode: config.outputMode, limits: config.limits, agents: agentsKnowledge(config.runner.agentsFile, config.runner.approvalTimeoutMs), runClaim: runClaimFromEnv(io.env) });
  const result = await callTool(tool, input, deps, lineLogger(io.err));
  await store.close().catch(() => undefined);
  const first = result.content[0];
  io.out(`${first && first.type === 'text' ? first.text : '{}'}\n`);
  return result.isError ? 1 : 0;
}

/** Copies a JSON store into an empty store (a PostgreSQL database): `migrate --from FILE --to URL`. */
async function migrate(values: Record<string, unknown>, io: Io): Promise<number> {
  const from = values.from as string | undefined;
  const to = values.to as string | undefined;
  if (!from || !to) throw new UsageError('migrate needs --from FILE (a JSON store) and --to STORE (e.g. postgres://user:pass@host:5432/db)');
  if (from === ':memory:' || /^postgres(ql)?:\/\//i.test(from)) throw new UsageError('--from must be a JSON store file');
  if (!existsSync(from)) throw new UsageError(`--from ${from}: no such file`);
  const source = openJsonFileStore(from);
  const target = openStore(to);
  const log = lineLogger(io.err, 'missions-mcp migrate');
  try {
    const { missions, runs } = await copyStore(source, target, log);
    log(`copied ${missions} missions and ${runs} runs from ${source.location} to ${target.location}`);
    return 0;
  } catch (error) {
    if (!(error instanceof MigrateRefused) && !(error instanceof MissionError)) throw error;
    log(`${error.message}${error instanceof MigrateRefused ? '' : ' The copy may be partial: drop the tables of the target (or use a new database) and run migrate again.'}`);
    return 1;
  } finally {
    await source.close().catch(() => undefined);
    await target.close().catch(() => undefined);
  }
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  try {
    const { command, positionals, values } = parseCommandLine(argv);
    if (values.help) return io.out(helpText(io.env)), 0;
    if (values.version) return io.out(`${PACKAGE.version}\n`), 0;
    const config = resolveConfig(values, io.env);
    switch (command) {
      case undefined:
      case 'serve':
        return await serve(config, io);
      case 'call':
        return await call(config, positionals, values, io);
      case 'run':
        return await runWorker(openConfiguredStore(config), config.runner, lineLogger(io.err, 'missions-mcp run'));
      case 'tools':
        for (const t of selectTools({ readOnly: config.readOnly })) io.out(`${t.name.padEnd(15)} ${t.description.split('. ')[0]}.\n`);
        return 0;
      case 'migrate':
        return await migrate(values, io);
      case 'schema': {
        const tool = findTool(positionals[0]);
        io.out(`${JSON.stringify({ name: tool.name, inputSchema: jsonSchemaOf(tool.inputSchema, 'input'), outputSchema: jsonSchemaOf(tool.outputSchema, 'output') }, null, 2)}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}"; run "missions-mcp --help"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      lineLogger(io.err)(error.message);
      return 2;
    }
    throw error;
  }
}
