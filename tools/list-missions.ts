import { z } from 'zod';
import { ListMissionsInput, cursorAfter } from '../src/mission/query.js';
import { fitItems } from '../src/render/budget.js';
import { ListItemOutput, renderListItem, truncatedMission } from '../src/render/index.js';
import { BOARD_TOOL_META } from '../src/board/mcp-app.js';
import { defineTool } from '../src/tool.js';
import { modeOf } from './common.js';

export const listMissions = defineTool({
  name: 'listMissions',
  title: 'List missions',
  description:
    'Find missions by any mix of filters; dueBefore "now" gives due work, soonest first. Else newest first unless sort/order ' +
    'say otherwise; fewer per page past the size cap; now is the server\'s time. If hasMore, call again with cursor = nextCursor and the same filters; ' +
    'total counts every match. Scan in compact mode (id, title, status, nextRun), then getMission for details.',
  inputSchema: ListMissionsInput,
  outputSchema: z.looseObject({
    missions: z.array(ListItemOutput),
    total: z.number().int(),
    hasMore: z.boolean(),
    nextCursor: z.string().nullable(),
    now: z.string(),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  _meta: BOARD_TOOL_META, // MCP Apps: hosts that render apps show the mission board with the result
  handler: async (args, deps) => {
    const now = deps.now();
    const { mode: _mode, ...query } = args; // the store's question; mode only says how to render the answer
    const page = await deps.store.list(query, deps.identity, now);
    const mode = modeOf(args, deps);
    const budget = deps.limits.maxAnswerBytes;
    const fitted = fitItems(page.missions, (m) => renderListItem(m, mode), (m, bytes) => truncatedMission(m, bytes, budget), budget);
    if (fitted.count === page.missions.length) return { ...page, missions: fitted.items, now: now.toISOString() };
    // Cut short by the answer bound: the next page starts right after the last mission answered.
    return { ...page, missions: fitted.items, hasMore: true, nextCursor: cursorAfter(query, page.missions[fitted.count - 1]!), now: now.toISOString() };
  },
});
