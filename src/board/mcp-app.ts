// The board as an MCP App (the MCP Apps extension, SEP-1865): a `ui://` resource whose HTML a host
// renders in a sandboxed frame when a tool that links it is called. listMissions and getMission link
// it through `_meta.ui.resourceUri`; hosts without MCP Apps ignore that key and see nothing change
// (except one more entry in resources/list). The HTML carries its whole bundle inline: the frame may
// load nothing from anywhere, so the resource declares no domains (no `_meta.ui.csp`): hosts apply their strictest CSP.
import type { Resource } from '@modelcontextprotocol/sdk/types.js';
import { mcpAppHtml } from './files.js';

export const BOARD_APP_URI = 'ui://missions/board';
/** The MCP Apps profile of HTML (ext-apps' RESOURCE_MIME_TYPE). */
export const MCP_APP_MIME = 'text/html;profile=mcp-app';

/** What a tool's listing carries to link the board: the smallest form the extension defines. */
export const BOARD_TOOL_META = { ui: { resourceUri: BOARD_APP_URI } } as const;

export const BOARD_APP_RESOURCE: Resource = {
  uri: BOARD_APP_URI,
  name: 'mission-board',
  title: 'Mission board',
  description: 'The mission board as an MCP App: missions, schedules, a 7-day timeline, runs, and pause/resume/run/delete buttons.',
  mimeType: MCP_APP_MIME,
};

/** resources/read of the board. */
export function readBoardApp() {
  return { contents: [{ uri: BOARD_APP_URI, mimeType: MCP_APP_MIME, text: mcpAppHtml(), _meta: { ui: { prefersBorder: true } } }] };
}
