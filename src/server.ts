// createServer: one MCP server over the one list of tools. Transports only connect what this returns.
// We use the SDK's low-level Server, not McpServer: McpServer answers bad arguments with its own
// plain-text "Input validation error", while SPEC §7 wants `invalid_request` with every issue and
// its path. The SDK still does the protocol, capabilities and transports; the client SDK validates
// our structuredContent against the advertised outputSchema.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { selectTools } from '../tools/index.js';
import { callTool, jsonSchemaOf, type Logger } from './dispatch.js';
import { PACKAGE } from './package-info.js';
import type { AnyTool, ToolDeps } from './tool.js';

export interface ServerOptions {
  readOnly?: boolean;
  log?: Logger;
}

export const SERVER_NAME = PACKAGE.name;
export const SERVER_VERSION = PACKAGE.version;

export const INSTRUCTIONS =
  'missions-mcp keeps missions: durable, schedulable agent assignments. listMissions finds them (dueBefore finds due work), ' +
  'createMission adds one, getMission reads one, updateMission changes one (status "running" starts a run, "pending" ends it), ' +
  'pauseMission/resumeMission stop and restart the clock, deleteMission removes one. Use mode "compact" to save tokens.';

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
  };
}

export interface MissionServer {
  server: Server;
  /** Resolves when every tool call in progress has answered; call before closing a transport. */
  drain(): Promise<void>;
}

export function createServer(deps: ToolDeps, options: ServerOptions = {}): MissionServer {
  const log = options.log ?? ((message: string) => process.stderr.write(`missions-mcp: ${message}\n`));
  const tools = selectTools({ readOnly: options.readOnly });
  const byName = new Map(tools.map((t) => [t.name, t]));
  const listing = tools.map(describeTool);

  const server = new Server(
    { name: SERVER_NAME, version: SERVER_VERSION, title: 'Missions' },
    { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS },
  );
  const inFlight = new Set<Promise<unknown>>();
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listing }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = byName.get(request.params.name);
    if (!tool) {
      const hidden = options.readOnly ? ' (the server runs read-only: only tools that change nothing are offered)' : '';
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool "${request.params.name}"${hidden}. Available: ${[...byName.keys()].join(', ')}`);
    }
    const answer = callTool(tool, request.params.arguments, deps, log);
    inFlight.add(answer);
    void answer.finally(() => inFlight.delete(answer));
    return answer;
  });
  return {
    server,
    drain: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
