import { z } from 'zod';
import { canSee } from '../src/mission/access.js';
import { ListMissionsInput, listPage } from '../src/mission/query.js';
import { ListItemOutput, renderListItem } from '../src/render/index.js';
import { BOARD_TOOL_META } from '../src/board/mcp-app.js';
import { defineTool } from '../src/tool.js';
import { modeOf } from './common.js';

export const listMissions = defineTool({
  name: 'listMissions',
  title: 'List missions',
  description:
    'Find missions by any mix of filters; dueBefore = now gives the work that is due. Newest first unless sort/order ' +
    'say otherwise; 20 per page, up to 100. If hasMore, call again with cursor = nextCursor and the same filters; ' +
    'total counts every match. Scan in compact mode (id, title, status, nextRun), then getMission for details.',
  inputSchema: ListMissionsInput,
  outputSchema: z.looseObject({
    missions: z.array(ListItemOutput),
    total: z.number().int(),
    hasMore: z.boolean(),
    nextCursor: z.string().nullable(),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  _meta: BOARD_TOOL_META, // MCP Apps: hosts that render apps show the mission board with the result
  handler: async (args, deps) => {
    const view = await deps.store.read();
    const who = deps.identity;
    const page = listPage(view, args, who.local ? undefined : (m) => canSee(m, who));
    const mode = modeOf(args, deps);
    return { ...page, missions: page.missions.map((m) => renderListItem(m, mode)) };
  },
});
