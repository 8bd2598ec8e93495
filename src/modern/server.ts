// createModernServer: the SDK v2 server over the same tools, resources and tool-call path as
// src/server.ts (the v1 server of 2025 HTTP sessions and legacy SSE). v2 serves what v1 cannot: the
// 2026-07-28 revision, one instance per request over HTTP (createMcpHandler, ./http.ts) or per
// connection over stdio (serveStdio, ./stdio.ts), and over stdio the 2025 family too (serveStdio pins
// the connection's era on its first message). docs/protocol.md says why two SDKs, with measurements.
import { CLIENT_CAPABILITIES_META_KEY, ProtocolError, ProtocolErrorCode, Server, inputRequired, inputResponse, type ServerCapabilities, type ServerContext } from '@modelcontextprotocol/server';
import { PersonAsked, type Answer, type Asking } from '../ask.js';
import { z } from 'zod';
import { callTool, type Logger } from '../dispatch.js';
import { DEFAULT_POLL_MS, MISSION_TEMPLATE, listResources, readResource, subscribe, uriOf } from '../resources.js';
import { ResourceWatcher } from '../resource-watcher.js';
import { INSTRUCTIONS, SERVER_NAME, SERVER_VERSION, describeTool, requestRunClaim, viaOf } from '../server.js';
import { describeStore } from '../store/describe.js';
import { eventsFor } from './change-bus.js';
import { depsForCall, type AnyTool, type ToolDeps } from '../tool.js';
import type { StoreChangeFeed } from './change-feed.js';
import { TASKS_EXTENSION, TASK_TOOL, createdTask, declaresTasks, taskIdOf, taskMethods, taskRefFrom, type TaskTools } from './tasks.js';

export type Era = 'legacy' | 'modern';

export interface ModernServerOptions {
  tools: readonly AnyTool[];
  readOnly?: boolean;
  log: Logger;
  era: Era;
  /** Read after each write of this server, so that listeners hear at once (HTTP). */
  feed?: StoreChangeFeed;
  /**
   * stdio, 2026-07-28: this instance sends the feed's changes as its own notices, which serveStdio
   * routes onto the connection's subscriptions/listen streams (over HTTP the bus does it, ./http.ts).
   */
  forwardChanges?: boolean;
  /** The tools tasks/get and tasks/cancel use; absent: the Tasks extension is not offered. */
  tasks?: TaskTools;
  /** How often a 2025 stdio session with subscriptions polls a store that cannot notify (the JSON file). */
  resourcePollMs?: number;
}

export interface ModernServer {
  server: Server;
  /** Resolves when every tool call in progress has answered. */
  drain(): Promise<void>;
  /** Runs `listener` when the instance closes. */
  onClose(listener: () => void): void;
}

/** tools/call with any params: our own errors for bad arguments (SPEC §7), not the SDK's. */
const ToolCallParams = z.looseObject({ name: z.unknown().optional(), arguments: z.unknown().optional() });
const UriParams = z.looseObject({ uri: z.unknown().optional() });
const CursorParams = z.looseObject({ cursor: z.string().optional() });

/**
 * Cache hints of 2026-07-28 results: the tool list and the URI template are the same for every caller
 * until the server is upgraded; the mission list and a mission are per caller and change any time.
 */
const CACHE_HINTS = {
  'tools/list': { ttlMs: 300_000, cacheScope: 'public' },
  'resources/templates/list': { ttlMs: 300_000, cacheScope: 'public' },
  'server/discover': { ttlMs: 300_000, cacheScope: 'public' },
  'resources/list': { ttlMs: 0, cacheScope: 'private' },
  'resources/read': { ttlMs: 0, cacheScope: 'private' },
} as const;

/** What a tool call's person can be asked, and has answered, on this request (src/ask.ts). */
function askingOf(ctx: ServerContext, server?: Server): Asking {
  const declared = (ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY] as { elicitation?: unknown } | undefined;
  const canAsk = declared ? declared.elicitation !== undefined : server?.getClientCapabilities()?.elicitation !== undefined;
  return {
    canAsk,
    answer(key): Answer | undefined {
      const view = inputResponse(ctx.mcpReq.inputResponses, key);
      return view.kind === 'elicit' ? { action: view.action, ...(view.content ? { content: view.content } : {}) } : undefined;
    },
  };
}

export function createModernServer(deps: ToolDeps, options: ModernServerOptions): ModernServer {
  const { log, era, tools } = options;
  // Who calls: the caller, or (a server an agent started, MISSION_RUN_ID) its run's mission owner, known
  // once bound (src/run/agent-caller.ts); until then a bound server sends no change notice.
  let caller = deps.identity;
  let bound = deps.runClaim === null;
  const callerDeps = async () => {
    const d = await depsForCall(deps);
    caller = d.identity;
    bound = true;
    return d;
  };
  const byName = new Map(tools.map((t) => [t.name, t]));
  const listing = tools.map(describeTool);
  const capabilities: ServerCapabilities = {
    tools: { listChanged: false },
    // For 2026-07-28, `subscribe` means: subscriptions/listen honors resourceSubscriptions.
    resources: { subscribe: true, listChanged: true },
    ...(era === 'legacy' ? { logging: {} } : {}),
    ...(era === 'modern' && options.tasks ? { extensions: { [TASKS_EXTENSION]: {} } } : {}),
  };
  const server = new Server({ name: SERVER_NAME, version: SERVER_VERSION, title: 'Missions' }, { capabilities, instructions: INSTRUCTIONS, cacheHints: CACHE_HINTS });

  // 2025 over stdio: resources/subscribe and notices as the v1 server gives them (src/resources.ts).
  let watcher: ResourceWatcher | undefined;
  // notifications/message for 2025 clients (filtered by logging/setLevel in the SDK); 2026-07-28 has
  // none unless a request asks (SEP-2577), and ours never do.
  const tellClient = (level: 'debug' | 'info' | 'warning' | 'error', message: string) => {
    if (era === 'legacy' && server.transport) void server.sendLoggingMessage({ level, logger: SERVER_NAME, data: message }).catch(() => undefined);
  };
  const notify = (level: 'debug' | 'info' | 'warning' | 'error', message: string) => {
    log(message);
    tellClient(level, message);
  };
  if (era === 'legacy') {
    watcher = new ResourceWatcher(
      {
        store: deps.store,
        caller: () => caller,
        sendUpdated: (uri) => server.sendResourceUpdated({ uri }),
        sendListChanged: () => server.sendResourceListChanged(),
        connected: () => server.transport !== undefined,
        notify,
      },
      { pollMs: options.resourcePollMs ?? DEFAULT_POLL_MS },
    );
    const w = watcher;
    server.setRequestHandler('resources/subscribe', { params: UriParams }, (params) => subscribe(callerDeps, w)({ method: 'resources/subscribe', params }));
    server.setRequestHandler('resources/unsubscribe', { params: UriParams }, (params) => {
      const uri = uriOf({ method: 'resources/unsubscribe', params });
      if (uri.startsWith('mission://')) w.unsubscribe(uri.slice('mission://'.length));
      return {};
    });
  }
  server.setRequestHandler('resources/templates/list', () => ({ resourceTemplates: [MISSION_TEMPLATE] }));
  server.setRequestHandler('resources/list', { params: CursorParams }, (params) => listResources(callerDeps, watcher)({ params }));
  server.setRequestHandler('resources/read', { params: UriParams }, (params) => readResource(callerDeps)({ method: 'resources/read', params }));
  server.setRequestHandler('tools/list', () => ({ tools: listing }) as never);

  const inFlight = new Set<Promise<unknown>>();
  const tasks = options.tasks && era === 'modern' ? taskMethods(deps, options.tasks, log) : undefined;
  server.setRequestHandler('tools/call', { params: ToolCallParams }, async (params: z.infer<typeof ToolCallParams>, ctx: ServerContext) => {
    const name = params.name;
    if (typeof name !== 'string') throw new ProtocolError(ProtocolErrorCode.InvalidParams, `tools/call needs params.name, the tool to call: one of ${[...byName.keys()].join(', ')}`);
    const tool = byName.get(name);
    if (!tool) {
      const hidden = options.readOnly ? ' (the server runs read-only: only tools that change nothing are offered)' : '';
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool "${name}"${hidden}. Available: ${[...byName.keys()].join(', ')}`);
    }
    const via = viaOf(ctx.mcpReq._meta);
    const answer = callTool(tool, params.arguments, { ...deps, ask: askingOf(ctx, server), ...(via && { via }) }, log, tellClient, requestRunClaim(ctx.mcpReq._meta, undefined));
    inFlight.add(answer);
    answer.finally(() => inFlight.delete(answer)).catch(() => undefined); // its rejection is handled below
    let result;
    try {
      result = await answer;
    } catch (error) {
      // A tool asked the person (src/ask.ts): 2026-07-28 clients get an input-required result; over
      // 2025 stdio SDK v2's shim sends elicitation/create and calls this handler again with the answers.
      if (!(error instanceof PersonAsked)) throw error;
      const inputRequests = Object.fromEntries(Object.entries(error.questions).map(([key, q]) => [key, inputRequired.elicit({ mode: 'form', ...q } as never)]));
      return inputRequired({ inputRequests }) as never;
    }
    if (!tool.annotations.readOnlyHint && !result.isError) {
      void watcher?.check();
      void options.feed?.check();
    }
    // SEP-2663: a Tasks client's runMission answers with a task that follows the queued run.
    if (tasks && name === TASK_TOOL && !result.isError && declaresTasks(ctx)) {
      const ref = taskRefFrom(result);
      if (ref) return createdTask(taskIdOf(ref), ref.after) as never;
    }
    return result;
  });
  if (tasks) {
    server.setRequestHandler('tasks/get', { params: tasks.params }, tasks.get as never);
    server.setRequestHandler('tasks/cancel', { params: tasks.params }, tasks.cancel as never);
    server.setRequestHandler('tasks/update', { params: tasks.params }, tasks.update as never);
  }
  const closeListeners: (() => void)[] = [];
  if (era === 'legacy') {
    // As the v1 server does: the client hears which store it is talking to, or why it cannot be read.
    server.oninitialized = () => {
      void describeStore(deps.store).then(
        (line) => tellClient('info', line),
        (error: unknown) => tellClient('error', `${(error as Error).message} Every call answers store_error until this is fixed.`),
      );
    };
  }
  if (era === 'modern' && options.forwardChanges && options.feed) {
    const unfeed = options.feed.subscribe((changes) => {
      if (!bound) return;
      for (const event of eventsFor(changes, caller)) {
        const sent = event.kind === 'resource_updated' ? server.sendResourceUpdated({ uri: event.uri }) : server.sendResourceListChanged();
        void sent.catch(() => undefined);
      }
    });
    closeListeners.push(unfeed);
  }
  server.onclose = () => {
    watcher?.close();
    for (const listener of closeListeners.splice(0)) listener();
  };
  return {
    server,
    onClose: (listener) => void closeListeners.push(listener),
    drain: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
