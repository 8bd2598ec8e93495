// Calling a tool: validate the arguments (our errors, not the SDK's), run the handler, and shape the
// result. Used by the MCP server and by the CLI, so both answer alike.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PersonAsked } from './ask.js';
import { MissionError } from './errors.js';
import { depsForCall, type AnyTool, type ToolDeps } from './tool.js';
import { parseArguments } from './validation.js';
import type { RunClaim } from './run/agent-caller.js';

export { jsonSchemaOf } from './json-schema.js';

export type { Logger } from './log.js';
import type { Logger } from './log.js';

export function errorResult(error: MissionError): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: JSON.stringify({ error: error.toBody() }) }] };
}

/** What a client hears about a call (notifications/message), beside the log line for humans. */
export type Notifier = (level: 'error', message: string) => void;

/** `requestClaim`: the run a request says it is made from (HTTP's Mcp-Mission-Run header, or `_meta`). */
export async function callTool(tool: AnyTool, args: unknown, deps: ToolDeps, log: Logger, notify?: Notifier, requestClaim: RunClaim | null = null): Promise<CallToolResult> {
  try {
    const input = parseArguments(tool.inputSchema, args, tool.name);
    const output = (await tool.handler(input, await depsForCall(deps, requestClaim))) as Record<string, unknown>;
    return { content: [{ type: 'text', text: JSON.stringify(output) }], structuredContent: output };
  } catch (error) {
    // The server asks and calls again (src/ask.ts); where nobody can be asked it ends up below as a bug.
    if (error instanceof PersonAsked && deps.ask?.canAsk) throw error;
    if (error instanceof MissionError) {
      if (error.code === 'store_error') {
        log(`${tool.name}: ${error.message}`);
        notify?.('error', `${tool.name}: ${error.message}`);
      }
      return errorResult(error);
    }
    log(`${tool.name}: internal error: ${(error as Error)?.stack ?? String(error)}`);
    notify?.('error', `${tool.name}: internal error; nothing was changed. The server's stderr has the details.`);
    return errorResult(
      new MissionError('internal', `missions-mcp hit an internal error in ${tool.name}; nothing was changed. The server log has details; please report it.`),
    );
  }
}
