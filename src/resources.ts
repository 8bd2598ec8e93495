// Missions as MCP resources: the template mission://{id}, a paged resources/list of the missions the
// caller may see, resources/read (the mission as JSON, full mode), and subscriptions. The first page of
// resources/list also names ui://missions/board, the mission board as an MCP App (src/board/mcp-app.ts).
// Change notices come from a ResourceWatcher (src/resource-watcher.ts).
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
import { MISSION_ID } from './mission/model.js';
import { DEFAULT_POLL_MS, ResourceWatcher, type Notify, type WatchOptions } from './resource-watcher.js';
import { depsForCall, type ToolDeps } from './tool.js';

export { DEFAULT_POLL_MS, type Notify, type WatchOptions };

/** MCP's code for an unknown resource (the spec's -32002; the SDK has no name for it). */
export const RESOURCE_NOT_FOUND = -32002;
export const MISSION_URI_PREFIX = 'mission://';
export const RESOURCES_PAGE_SIZE = 100;

export const MISSION_TEMPLATE: ResourceTemplate = {
  uriTemplate: 'mission://{id}',
  name: 'mission',
  title: 'Mission',
  description: 'One mission as JSON, every field (full mode). Ids come from listMissions or resources/list.',
  mimeType: 'application/json',
};

export const missionUri = (id: string) => `${MISSION_URI_PREFIX}${id}`;


export interface MissionResources {
  /** Compare with what the session saw and send notices; call after a write. */
  check(): Promise<void>;
  /** Stop polling and forget subscriptions. */
  close(): void;
  /** True while this session polls the store for others' changes. */
  polling(): boolean;
}


function idOf(uri: string): string {
  if (!uri.startsWith(MISSION_URI_PREFIX)) {
    // data.uri as SEP-2164 wants of a resource that is not found (2026-07-28), harmless for 2025 clients
    throw new McpError(ErrorCode.InvalidParams, `Not a mission URI: "${uri}". Mission URIs look like mission://msn_… (see resources/list).`, { uri });
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

export function uriOf(request: { method: string; params?: { uri?: unknown } | undefined }): string {
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

/** The caller's dependencies for one request (an agent's server: bound to its run, refused once it ended). */
export type CallerDeps = () => Promise<ToolDeps>;

/** The caller's dependencies as they are: a server that no run binds. */
export const asCalled = (deps: ToolDeps): CallerDeps => () => depsForCall(deps);

/**
 * The request handlers of resources, each asking the store only for what it answers. Exported for the
 * SDK v2 server (src/modern/server.ts): a thrown McpError carries its code and data, which v2 reads too.
 * `watcher` is absent where change notices are not this server's to send (2026-07-28 over HTTP: the
 * subscriptions/listen streams hear them from src/modern/change-bus.ts).
 */
export function listResources(callerDeps: CallerDeps, watcher?: ResourceWatcher) {
  return async (request: { params?: { cursor?: string | undefined } | undefined }) => {
    let page;
    try {
      const deps = await callerDeps();
      await watcher?.prepare();
      // Newest first, with listMissions' keyset cursor: paging never repeats or skips a mission.
      page = await deps.store.list({ limit: RESOURCES_PAGE_SIZE, cursor: request.params?.cursor }, deps.identity, deps.now());
    } catch (error) {
      throw protocolError(error);
    }
    watcher?.listedNow();
    const resources: Resource[] = page.missions.map((m) => ({
      uri: missionUri(m.id),
      name: m.id,
      title: m.title,
      mimeType: 'application/json',
      annotations: { lastModified: m.updatedAt },
    }));
    if (request.params?.cursor === undefined) resources.unshift(BOARD_APP_RESOURCE); // the MCP App, once, first
    return page.nextCursor ? { resources, nextCursor: page.nextCursor } : { resources };
  };
}

/** The mission at `uri` if the caller may see it; else not found. */
async function visibleMission(callerDeps: CallerDeps, uri: string) {
  const id = idOf(uri);
  let mission;
  let deps: ToolDeps;
  try {
    deps = await callerDeps();
    mission = await deps.store.get(id);
  } catch (error) {
    throw protocolError(error);
  }
  if (!mission || !canSee(mission, deps.identity)) throw notFound(uri);
  return mission;
}

export function readResource(deps: CallerDeps) {
  return async (request: { method: string; params?: { uri?: unknown } | undefined }) => {
    const uri = uriOf(request);
    if (uri === BOARD_APP_URI) return readBoardApp();
    const mission = await visibleMission(deps, uri);
    return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(mission) }] };
  };
}

export function subscribe(deps: CallerDeps, watcher: ResourceWatcher) {
  return async (request: { method: string; params?: { uri?: unknown } | undefined }) => {
    const uri = uriOf(request);
    try {
      await watcher.prepare();
    } catch (error) {
      throw protocolError(error);
    }
    const mission = await visibleMission(deps, uri);
    watcher.subscribe(mission.id, mission);
    return {};
  };
}

export function registerResources(server: Server, deps: ToolDeps, notify: Notify, options: WatchOptions = {}): MissionResources {
  let caller = deps.identity;
  const callerDeps = async () => {
    const bound = await depsForCall(deps);
    caller = bound.identity;
    return bound;
  };
  const watcher = new ResourceWatcher(
    {
      store: deps.store,
      caller: () => caller,
      sendUpdated: (uri) => server.sendResourceUpdated({ uri }),
      sendListChanged: () => server.sendResourceListChanged(),
      connected: () => server.transport !== undefined,
      notify,
    },
    options,
  );
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: [MISSION_TEMPLATE] }));
  server.setRequestHandler(ListResourcesRequestSchema, listResources(callerDeps, watcher));
  server.setRequestHandler(ReadRequest, readResource(callerDeps));
  server.setRequestHandler(SubscribeRequest, subscribe(callerDeps, watcher));
  server.setRequestHandler(UnsubscribeRequest, (request) => {
    const uri = uriOf(request);
    if (uri.startsWith(MISSION_URI_PREFIX)) watcher.unsubscribe(uri.slice(MISSION_URI_PREFIX.length));
    return {};
  });
  return { check: () => watcher.check(), close: () => watcher.close(), polling: () => watcher.polling() };
}
