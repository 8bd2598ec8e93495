// Missions as MCP resources: the template mission://{id}, a paged resources/list of the missions the
// caller may see, resources/read (the mission as JSON, full mode), and subscriptions. The first page of
// resources/list also names ui://missions/board, the mission board as an MCP App (src/board/mcp-app.ts).
//
// Change notices come from a watcher that compares the missions the caller may see with those it saw
// last: `notifications/resources/updated` for a subscribed mission that changed or went away,
// `notifications/resources/list_changed` when missions were created or deleted (or became visible or
// invisible). It checks right after each of this server's own writes, and polls the store only while
// the session has subscriptions and its client can hear notices (`canNotify`: a Streamable HTTP session
// without an open GET stream cannot), so that writes by other sessions and processes sharing the store
// are noticed too. Listing alone does not start a poll: 1,000 sessions that once listed would make
// every write cost sessions × missions. Polling costs one store.read() per tick, which does not re-read
// an unchanged store; the diff is skipped when the store's version has not moved. The poll stops for
// good when the session closes.
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  ListResourceTemplatesRequestSchema,
  ListResourcesRequestSchema,
  McpError,
  ErrorCode,
  type Resource,
  type ResourceTemplate,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { BOARD_APP_RESOURCE, BOARD_APP_URI, readBoardApp } from './board/mcp-app.js';
import { MissionError } from './errors.js';
import { canSee } from './mission/access.js';
import { MISSION_ID, type Mission } from './mission/model.js';
import { listPage } from './mission/query.js';
import type { MissionView } from './store/types.js';
import type { ToolDeps } from './tool.js';

/** MCP's code for an unknown resource (the spec's -32002; the SDK has no name for it). */
export const RESOURCE_NOT_FOUND = -32002;
export const MISSION_URI_PREFIX = 'mission://';
export const RESOURCES_PAGE_SIZE = 100;
export const DEFAULT_POLL_MS = 500;

export const MISSION_TEMPLATE: ResourceTemplate = {
  uriTemplate: 'mission://{id}',
  name: 'mission',
  title: 'Mission',
  description: 'One mission as JSON, every field (full mode). Ids come from listMissions or resources/list.',
  mimeType: 'application/json',
};

export const missionUri = (id: string) => `${MISSION_URI_PREFIX}${id}`;

export type Notify = (level: 'debug' | 'info' | 'warning' | 'error', message: string) => void;

export interface MissionResources {
  /** Compare with what the session saw and send notices; call after a write. */
  check(): Promise<void>;
  /** Stop polling and forget subscriptions. */
  close(): void;
  /** True while this session polls the store for others' changes. */
  polling(): boolean;
}

export interface WatchOptions {
  /** How often a subscribed session looks for changes made by others. */
  pollMs?: number;
  /** False while the client cannot hear notices; the poll then skips reading the store. */
  canNotify?: () => boolean;
}

function idOf(uri: string): string {
  if (!uri.startsWith(MISSION_URI_PREFIX)) {
    throw new McpError(ErrorCode.InvalidParams, `Not a mission URI: "${uri}". Mission URIs look like mission://msn_… (see resources/list).`);
  }
  const id = uri.slice(MISSION_URI_PREFIX.length);
  // A mission URI whose id cannot exist is simply not found, like any id that does not.
  if (!MISSION_ID.test(id)) throw notFound(uri);
  return id;
}

/**
 * resources/read, subscribe and unsubscribe with any params: the SDK's own schemas would answer a
 * non-string `uri` with -32603 and a zod dump; we answer -32602 that says what `uri` should be.
 */
const uriRequest = <M extends string>(method: M) =>
  z.object({ method: z.literal(method), params: z.looseObject({ uri: z.unknown().optional() }).optional().catch(undefined) });
const ReadRequest = uriRequest('resources/read');
const SubscribeRequest = uriRequest('resources/subscribe');
const UnsubscribeRequest = uriRequest('resources/unsubscribe');

function uriOf(request: { method: string; params?: { uri?: unknown } | undefined }): string {
  const uri = request.params?.uri;
  if (typeof uri !== 'string') {
    throw new McpError(ErrorCode.InvalidParams, `${request.method} needs params.uri, a mission URI as a string (mission://msn_…; see resources/list).`);
  }
  return uri;
}

function notFound(uri: string): McpError {
  return new McpError(RESOURCE_NOT_FOUND, `Resource not found: ${uri}. No such mission, or not one you may see.`, { uri });
}

/** Store failures become a JSON-RPC error with the store's message (it names the file and what to do). */
function protocolError(error: unknown): unknown {
  if (error instanceof MissionError) {
    return new McpError(error.code === 'invalid_request' ? ErrorCode.InvalidParams : ErrorCode.InternalError, error.message);
  }
  return error;
}

export function registerResources(server: Server, deps: ToolDeps, notify: Notify, options: WatchOptions = {}): MissionResources {
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const canNotify = options.canNotify ?? (() => true);
  const subscriptions = new Set<string>();
  let listed = false; // the client has listed resources, so it wants list_changed
  let seen: Map<string, Mission> | undefined; // the visible missions by id, last time we looked
  let seenVersion: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let running: Promise<void> | undefined;
  let again = false;
  let lastProblem = '';

  const visible = (view: MissionView) => view.all().filter((m) => canSee(m, deps.identity));
  const snapshot = (missions: readonly Mission[]) => new Map(missions.map((m) => [m.id, m]));
  // Two changes in one millisecond share an updatedAt, so a subscribed mission is compared in full
  // (only when the store handed back another object for it).
  const differs = (a: Mission | undefined, b: Mission | undefined) => a !== b && (!a || !b || JSON.stringify(a) !== JSON.stringify(b));

  async function readView(): Promise<MissionView> {
    try {
      return await deps.store.read();
    } catch (error) {
      throw protocolError(error);
    }
  }

  async function compare(): Promise<void> {
    if (closed || !seen) return;
    let view: MissionView;
    try {
      view = await deps.store.read();
    } catch (error) {
      const problem = (error as Error).message;
      if (problem !== lastProblem) notify('warning', `watching for changes: ${problem}`);
      lastProblem = problem;
      return;
    }
    lastProblem = '';
    if (view.version === seenVersion || closed || !seen) return;
    const now = snapshot(visible(view));
    const before = seen;
    seen = now;
    seenVersion = view.version;
    let listChanged = now.size !== before.size;
    for (const id of now.keys()) if (!before.has(id)) listChanged = true;
    const sends: Promise<void>[] = [];
    for (const uri of subscriptions) {
      const id = uri.slice(MISSION_URI_PREFIX.length);
      if (differs(before.get(id), now.get(id))) sends.push(server.sendResourceUpdated({ uri }));
    }
    if (listChanged && listed) sends.push(server.sendResourceListChanged());
    await Promise.all(sends.map((p) => p.catch(() => undefined))); // a closed transport drops notices
  }

  /** One comparison at a time; a request made meanwhile runs once more afterwards. */
  function check(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await compare();
      } while (again && !closed);
    })().finally(() => (running = undefined));
    return running;
  }

  function updatePolling() {
    const tracking = !closed && (subscriptions.size > 0 || listed); // checked after our own writes
    const poll = !closed && subscriptions.size > 0; // and for others' writes, on a timer
    if (poll && !timer) {
      timer = setInterval(() => {
        if (!server.transport) return close(); // the connection is gone
        if (canNotify()) void check();
      }, pollMs);
      timer.unref();
    } else if (!poll && timer) {
      clearInterval(timer);
      timer = undefined;
    }
    if (!tracking) {
      seen = undefined; // nobody is watching: start afresh when someone does
      seenVersion = undefined;
    }
  }

  /** Starts watching from what the caller sees now, unless already watching. */
  function watchFrom(view: MissionView) {
    if (!seen) {
      seen = snapshot(visible(view));
      seenVersion = view.version;
    }
    updatePolling();
  }

  function close() {
    closed = true;
    subscriptions.clear();
    updatePolling();
  }

  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: [MISSION_TEMPLATE] }));

  server.setRequestHandler(ListResourcesRequestSchema, async (request) => {
    const view = await readView();
    let page;
    try {
      // Newest first, with listMissions' keyset cursor: paging never repeats or skips a mission.
      page = listPage(view, { limit: RESOURCES_PAGE_SIZE, cursor: request.params?.cursor }, deps.now(), (m) => canSee(m, deps.identity));
    } catch (error) {
      throw protocolError(error);
    }
    listed = true;
    watchFrom(view);
    const resources: Resource[] = page.missions.map((m) => ({
      uri: missionUri(m.id),
      name: m.id,
      title: m.title,
      mimeType: 'application/json',
      annotations: { lastModified: m.updatedAt },
    }));
    if (request.params?.cursor === undefined) resources.unshift(BOARD_APP_RESOURCE); // the MCP App, once, first
    return page.nextCursor ? { resources, nextCursor: page.nextCursor } : { resources };
  });

  server.setRequestHandler(ReadRequest, async (request) => {
    const uri = uriOf(request);
    if (uri === BOARD_APP_URI) return readBoardApp();
    const id = idOf(uri);
    const mission = (await readView()).get(id);
    if (!mission || !canSee(mission, deps.identity)) throw notFound(uri);
    return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(mission) }] };
  });

  server.setRequestHandler(SubscribeRequest, async (request) => {
    const uri = uriOf(request);
    const id = idOf(uri);
    const view = await readView();
    const mission = view.get(id);
    if (!mission || !canSee(mission, deps.identity)) throw notFound(uri);
    subscriptions.add(missionUri(id));
    watchFrom(view);
    return {};
  });

  server.setRequestHandler(UnsubscribeRequest, (request) => {
    subscriptions.delete(uriOf(request));
    updatePolling();
    return {};
  });

  return { check, close, polling: () => timer !== undefined && canNotify() };
}
