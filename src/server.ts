// createServer: one MCP server over the tools it is given (src/cli.ts picks them from tools/index.ts). Transports only connect what this returns.
// We use the SDK's low-level Server, not McpServer: McpServer answers bad arguments with its own
// plain-text "Input validation error", while SPEC §7 wants `invalid_request` with every issue and
// its path. The SDK still does the protocol, capabilities and transports; the client SDK validates
// our structuredContent against the advertised outputSchema.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { z } from 'zod';
import {
  ErrorCode,
  ListToolsRequestSchema,
  LoggingLevelSchema,
  McpError,
  SetLevelRequestSchema,
  type CallToolResult,
  type LoggingLevel,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { ASK_TIMEOUT_MS, MAX_ASK_ROUNDS, PersonAsked, askingWith, type Answer } from './ask.js';
import { callTool, errorResult, jsonSchemaOf, type Logger } from './dispatch.js';
import { MissionError } from './errors.js';
import { stderrLogger } from './log.js';
import { PACKAGE } from './package-info.js';
import { DEFAULT_POLL_MS, registerResources } from './resources.js';
import { describeStore } from './store/describe.js';
import type { AnyTool, ToolDeps } from './tool.js';
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

function acceptAnyArguments(
  server: Server,
  handler: (request: z.infer<typeof ToolCallRequest>, requestId: string | number, claim: RunClaim | null, via: 'board' | undefined) => Promise<CallToolResult>,
): void {
  server.fallbackRequestHandler = async (request, extra) => {
    const call = ToolCallRequest.safeParse(request);
    if (!call.success) throw new McpError(ErrorCode.MethodNotFound, 'Method not found');
    const meta = call.data.params?._meta;
    return handler(call.data, extra.requestId, requestRunClaim(meta, extra.requestInfo?.headers), viaOf(meta));
  };
}

/** How a call says it came: `_meta["missions-mcp/via"]: "board"` from the board (decisions record it). */
export function viaOf(meta: unknown): 'board' | undefined {
  return meta !== null && typeof meta === 'object' && (meta as Record<string, unknown>)[VIA_META_KEY] === 'board' ? 'board' : undefined;
}

/** The run a request says it is made from: `_meta["missions-mcp/runId"]`, else the Mcp-Mission-Run header (HTTP). */
export function requestRunClaim(meta: unknown, headers: Record<string, string | string[] | undefined> | undefined): RunClaim | null {
  const fromMeta = meta !== null && typeof meta === 'object' ? (meta as Record<string, unknown>)[RUN_META_KEY] : undefined;
  const header = headers?.[RUN_HEADER];
  const runId = typeof fromMeta === 'string' ? fromMeta : Array.isArray(header) ? header[0] : header;
  return runId ? { runId, via: 'request' } : null;
}

/**
 * A tool call that may ask the person (src/ask.ts), on a 2025 session: each round that asks sends
 * elicitation/create (on the stream of the POST that carried the call) and calls the tool again with
 * the answers. The same loop SDK v2's legacy shim runs for 2025 clients over stdio.
 */
async function callAsking(server: Server, requestId: string | number, attempt: (answers: Record<string, Answer>, canAsk: boolean) => Promise<CallToolResult>): Promise<CallToolResult> {
  const canAsk = server.getClientCapabilities()?.elicitation !== undefined;
  const answers: Record<string, Answer> = {};
  for (let round = 0; round < MAX_ASK_ROUNDS; round++) {
    try {
      return await attempt(answers, canAsk);
    } catch (error) {
      if (!(error instanceof PersonAsked)) throw error;
      for (const [key, question] of Object.entries(error.questions)) {
        if (answers[key]) continue;
        try {
          const result = await server.elicitInput({ mode: 'form', ...question } as never, { relatedRequestId: requestId, timeout: ASK_TIMEOUT_MS, resetTimeoutOnProgress: true });
          answers[key] = { action: result.action, ...(result.content ? { content: result.content as Record<string, unknown> } : {}) };
        } catch (failed) {
          return errorResult(new MissionError('conflict', `The person could not be asked (${(failed as Error).message}); nothing was changed. Call again, or decide another way.`));
        }
      }
    }
  }
  return errorResult(new MissionError('conflict', `The tool asked the person ${MAX_ASK_ROUNDS} times without an answer it could use; nothing was changed.`));
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
  acceptAnyArguments(server, async (request, requestId, claim, via) => {
    const name = request.params?.name;
    if (typeof name !== 'string') {
      throw new McpError(ErrorCode.InvalidParams, `tools/call needs params.name, the tool to call: one of ${[...byName.keys()].join(', ')}`);
    }
    const tool = byName.get(name);
    if (!tool) {
      const hidden = options.readOnly ? ' (the server runs read-only: only tools that change nothing are offered)' : '';
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool "${name}"${hidden}. Available: ${[...byName.keys()].join(', ')}`);
    }
    const callDeps = via ? { ...deps, via } : deps;
    const answer = callAsking(server, requestId, (answers, canAsk) => callTool(tool, request.params?.arguments, { ...callDeps, ask: askingWith(canAsk, answers) }, log, notify, claim));
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
