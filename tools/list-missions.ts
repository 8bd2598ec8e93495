import { z } from 'zod';
import { canSee } from '../src/mission/access.js';
import { ListMissionsInput, listPage } from '../src/mission/query.js';
import { ListItemOutput, renderListItem } from '../src/render/index.js';
import { defineTool } from '../src/tool.js';
import { modeOf } from './common.js';

export const listMissions = defineTool({
  name: 'listMissions',
  title: 'List missions',
  description:
    'Find missions. Filter by status ("active" = pending or running), agentType, visibility, spaceId, characterId, ' +
    'platform, text query, or dueBefore (nextRun at or before a time: the work that is due). Sorted by createdAt, ' +
    'newest first, unless sort/order say otherwise; 20 per page (limit up to 100). If hasMore, call again with ' +
    'cursor = nextCursor and the same filters. total counts every match. mode "compact" returns only id, title, ' +
    'status and nextRun per mission: use it to scan, then getMission for details.',
  inputSchema: ListMissionsInput,
  outputSchema: z.object({
    missions: z.array(ListItemOutput).describe('this page'),
    total: z.number().int().describe('missions matching the filters, on all pages'),
    hasMore: z.boolean().describe('true if another page follows'),
    nextCursor: z.string().nullable().describe('pass as cursor for the next page; null on the last page'),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (args, deps) => {
    const view = await deps.store.read();
    const who = deps.identity;
    const page = listPage(view, args, who.local ? undefined : (m) => canSee(m, who));
    const mode = modeOf(args, deps);
    return { ...page, missions: page.missions.map((m) => renderListItem(m, mode)) };
  },
});
