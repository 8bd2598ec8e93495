// createServer: one MCP server over the tools it is given (src/cli.ts picks them from tools/index.ts). Transports only connect what this returns.
// We use the SDK's low-level Server, not McpServer: McpServer answers bad arguments with its own
// plain-text "Input validation error", while SPEC §7 wants `invalid_request` with every issue and
// its path. The SDK still does the protocol, capabilities and transports; the client SDK validates
// our structuredContent against the advertised outputSchema.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { z } from 'zod';
import {
  ElicitResultSchema,
  ErrorCode,
  ListToolsRequestSchema,
  LoggingLevelSchema,
  McpError,
  SetLevelRequestSchema,
  type CallToolResult,
  type LoggingLevel,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { callTool, jsonSchemaOf, type Logger } from './dispatch.js';
import { stderrLogger } from './log.js';
import { PACKAGE } from './package-info.js';
import { DEFAULT_POLL_MS, registerResources } from './resources.js';
import { describeStore } from './store/index.js';
import type { AnyTool, Ask, ToolDeps } from './tool.js';
import { RUN_HEADER, RUN_META_KEY, type RunClaim } from './run/agent-caller.js';

/** `_meta` key by which the board says a call comes from it (decisions record `via: "board"`). */
export const VIA_META_KEY = 'missions-mcp/via';

export interface ServerOptions {
  /** The tools it offers: the caller picks them from tools/index.ts (selectTools), so that this file needs not know tools/. */
  tools: readonly AnyTool[];
  /** Only tools that change nothing are offered: said when another tool is asked for. */
  readOnly?: boolean;
  /** Lines for humans (stderr by default). Clients get the same news as notifications/message. */
  log?: Logger;
  /** How often a session with resource subscriptions looks for changes made by other processes. */
  resourcePollMs?: number;
  /** False while the client cannot hear notices (no open stream); the resource poll then pauses. */
  canNotify?: () => boolean;
}

export const SERVER_NAME = PACKAGE.name;
export const SERVER_VERSION = PACKAGE.version;

export const INSTRUCTIONS =
  'missions-mcp keeps missions: durable, schedulable agent assignments. listMissions finds them (dueBefore finds due work), ' +
  'createMission adds one, getMission reads one, updateMission changes one (status "running" starts a run, "pending" ends it), ' +
  'pauseMission/resumeMission stop and restart the clock, deleteMission removes one. A runner (missions-mcp run) starts each ' +
  'due mission\'s agent; runMission makes one due now, listRuns/getRun show runs and their output. Use mode "compact" to save tokens. ' +
  'Each mission is also the resource mission://{id} (JSON), which clients can subscribe to.';

const listings = new WeakMap<AnyTool, Tool>();

/** The tools/list entry of a tool: JSON Schemas made once per process from its zod schemas. */
export function describeTool(tool: AnyTool): Tool {
  let listing = listings.get(tool);
  if (!listing) listings.set(tool, (listing = describe(tool)));
  return listing;
}

function describe(tool: AnyTool): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: jsonSchemaOf(tool.inputSchema, 'input') as Tool['inputSchema'],
    outputSchema: jsonSchemaOf(tool.outputSchema, 'output') as Tool['outputSchema'],
    annotations: { ...tool.annotations },
    ...(tool._meta ? { _meta: tool._meta } : {}),
  };
}

/**
 * tools/call whose `arguments` may be anything. SPEC §7 (and MCP 2025-11-25, SEP-1303) want bad input
 * answered as a tool error that a model can read and correct. The SDK's Server.setRequestHandler
 * checks tools/call params against its own schema first (`arguments` must be an object) and answers a
 * JSON-RPC error for `5` or `null`. So tools/call is served by the public `fallbackRequestHandler`
 * (the handler for every method without its own), which hands us the request as it came; callTool
 * validates the arguments itself. Only a request without a tool name stays a protocol error.
 */
const ToolCallRequest = z.object({
  method: z.literal('tools/call'),
  // Loose all the way down, so that parsing never throws (a throw would be a bare -32603).
  params: z.looseObject({ name: z.unknown().optional(), arguments: z.unknown().optional() }).optional().catch(undefined),
});

/** What a tools/call brings beside its arguments: the run it names, the person who can be asked, how it came. */
interface CallContext {
  claim: RunClaim | null;
  ask?: Ask;
  via?: 'board';
}

type Extra = Parameters<NonNullable<Server['fallbackRequestHandler']>>[1];

function acceptAnyArguments(server: Server, handler: (request: z.infer<typeof ToolCallRequest>, context: CallContext) => Promise<CallToolResult>): void {
  server.fallbackRequestHandler = async (request, extra) => {
    const call = ToolCallRequest.safeParse(request);
    if (!call.success) throw new McpError(ErrorCode.MethodNotFound, 'Method not found');
    const meta = call.data.params?._meta;
    const via = meta !== null && typeof meta === 'object' && (meta as Record<string, unknown>)[VIA_META_KEY] === 'board' ? 'board' : undefined;
    const ask = server.getClientCapabilities()?.elicitation ? askThrough(extra) : undefined;
    return handler(call.data, { claim: requestRunClaim(meta, extra.requestInfo?.headers), ...(ask && { ask }), ...(via && { via }) });
  };
}

/** How long a person is given to answer a question (elicitation) before the call goes on without an answer. */
export const ASK_TIMEOUT_MS = 5 * 60_000;

/** elicitation/create, sent as part of the call (over HTTP, on the call's own stream), in form mode. */
function askThrough(extra: Extra): Ask {
  return async (question) => {
    try {
      const answer = await extra.sendRequest({ method: 'elicitation/create', params: { mode: 'form', ...question } }, ElicitResultSchema, { timeout: ASK_TIMEOUT_MS });
      return { action: answer.action, ...(answer.content ? { content: answer.content as Record<string, unknown> } : {}) };
    } catch {
      return { action: 'cancel' }; // no answer in time, or the client went away: nothing was decided
    }
  };
}

/** The run a request says it is made from: `_meta["missions-mcp/runId"]`, else the Mcp-Mission-Run header (HTTP). */
function requestRunClaim(meta: unknown, headers: Record<string, string | string[] | undefined> | undefined): RunClaim | null {
  const fromMeta = meta !== null && typeof meta === 'object' ? (meta as Record<string, unknown>)[RUN_META_KEY] : undefined;
  const header = headers?.[RUN_HEADER];
  const runId = typeof fromMeta === 'string' ? fromMeta : Array.isArray(header) ? header[0] : header;
  return runId ? { runId, via: 'request' } : null;
}

export interface MissionServer {
  server: Server;
  /** Resolves when every tool call in progress has answered; call before closing a transport. */
  drain(): Promise<void>;
  /** True while the session polls the store for changes by others (it has subscriptions, and a client that can hear). */
  watching(): boolean;
  /**
   * Runs `listener` when the connection closes (the client went, or server.close()). Use this, not
   * server.onclose, which is ours: assigning it would stop the resource watcher from closing.
   */
  onClose(listener: () => void): void;
}

export function createServer(deps: ToolDeps, options: ServerOptions): MissionServer {
  const log = options.log ?? stderrLogger();
  const tools = options.tools;
  const byName = new Map(tools.map((t) => [t.name, t]));
  const listing = tools.map(describeTool);

  const server = new Server(
    { name: SERVER_NAME, version: SERVER_VERSION, title: 'Missions' },
    {
      capabilities: { tools: { listChanged: false }, resources: { subscribe: true, listChanged: true }, logging: {} },
      instructions: INSTRUCTIONS,
    },
  );
  // notifications/message at or above the level the client chose with logging/setLevel (info until it
  // chooses). The level is kept here rather than in the SDK's handler, which files it under the
  // transport's session id and so would not filter our sends over HTTP.
  let minimum: LoggingLevel = 'info';
  const severity = (level: LoggingLevel) => LoggingLevelSchema.options.indexOf(level);
  const notify = (level: LoggingLevel, message: string) => {
    if (severity(level) < severity(minimum) || !server.transport) return;
    void server.sendLoggingMessage({ level, logger: SERVER_NAME, data: message }).catch(() => undefined);
  };
  server.setRequestHandler(SetLevelRequestSchema, (request) => {
    minimum = request.params.level;
    return {};
  });
  const watchLog = (level: LoggingLevel, message: string) => {
    log(message);
    notify(level, message);
  };
  const resources = registerResources(server, deps, watchLog, { pollMs: options.resourcePollMs ?? DEFAULT_POLL_MS, canNotify: options.canNotify });
  const closeListeners: (() => void)[] = [];
  server.onclose = () => {
    resources.close();
    for (const listener of closeListeners.splice(0)) listener();
  };
  server.oninitialized = () => {
    void describeStore(deps.store).then(
      (line) => notify('info', line),
      (error: unknown) => notify('error', `${(error as Error).message} Every call answers store_error until this is fixed.`),
    );
  };
  const inFlight = new Set<Promise<unknown>>();
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listing }));
  acceptAnyArguments(server, async (request, context) => {
    const name = request.params?.name;
    if (typeof name !== 'string') {
      throw new McpError(ErrorCode.InvalidParams, `tools/call needs params.name, the tool to call: one of ${[...byName.keys()].join(', ')}`);
    }
    const tool = byName.get(name);
    if (!tool) {
      const hidden = options.readOnly ? ' (the server runs read-only: only tools that change nothing are offered)' : '';
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool "${name}"${hidden}. Available: ${[...byName.keys()].join(', ')}`);
    }
    const callDeps = context.ask || context.via ? { ...deps, ...(context.ask && { ask: context.ask }), ...(context.via && { via: context.via }) } : deps;
    const answer = callTool(tool, request.params?.arguments, callDeps, log, notify, context.claim);
    // After a write, subscribers hear of it (and the list of missions may have changed).
    if (!tool.annotations.readOnlyHint) void answer.then((result) => (result.isError ? undefined : resources.check()));
    inFlight.add(answer);
    void answer.finally(() => inFlight.delete(answer));
    return answer;
  });
  return {
    server,
    watching: () => resources.polling(),
    onClose: (listener) => void closeListeners.push(listener),
    drain: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
