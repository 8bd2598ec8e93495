// What the board asks of the server: tools/call through whichever MCP connection it has (plain
// JSON-RPC over /mcp in a browser tab, the host's bridge inside an MCP App). The board only ever uses
// the same tools as any agent; there is no second API.
// The shapes are the server's own (import type: erased from the bundle), so that the board cannot drift
// from what the tools answer in full mode.
import type { Kpi, Mission, Schedule, Status } from '../../src/mission/model.js';
import type { Decision, Report, RunRecord, RunStatus } from '../../src/run/model.js';
import type { KpiProgress, Progress, Trend } from '../../src/run/results.js';

export type { Decision, Kpi, KpiProgress, Mission, Progress, Report, RunStatus, Schedule, Status, Trend };

/** A run as getRun answers it in full mode: every field present, its output, and for an open request the prompt to approve. */
export type Run = RunRecord & Required<Pick<RunRecord, 'approval' | 'decision' | 'report' | 'costCents'>> & { output?: string; prompt?: string | null };

/** A run in a compact list (listRuns { mode: "compact" }): what the queue needs of each request. */
export interface CompactRun {
  id: string;
  missionId: string;
  status: RunStatus;
  startedAt: string;
  trigger?: string;
  /** An undecided request expires then. */
  expiresAt?: string;
  /** "approve by alice", once decided. */
  decision?: string;
}

export type MissionPage = { missions: Mission[]; total: number; hasMore: boolean; nextCursor: string | null };
export type RunPage<R = Run> = { runs: R[]; total: number; hasMore: boolean; nextCursor: string | null };

/** A failed tool call, with the server's error code and message (SPEC §7). */
export class ToolError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface BoardApi {
  /** Calls a tool and returns its structuredContent; a tool error throws ToolError. `meta` goes in the request's `_meta`. */
  call<T>(tool: string, args: Record<string, unknown>, meta?: Record<string, unknown>): Promise<T>;
}

/** What the board's calls carry when the server should know they came from the board (a decision records `via: "board"`). */
export const FROM_BOARD = { 'missions-mcp/via': 'board' } as const;

/** structuredContent of a tools/call result, or the ToolError its JSON text names. */
export function resultOf<T>(result: { isError?: boolean; structuredContent?: unknown; content?: { type: string; text?: string }[] }): T {
  if (result.isError) {
    const text = result.content?.find((c) => c.type === 'text')?.text ?? '';
    try {
      const { error } = JSON.parse(text) as { error: { code: string; message: string } };
      throw new ToolError(error.code, error.message);
    } catch (e) {
      if (e instanceof ToolError) throw e;
      throw new ToolError('internal', text || 'The tool call failed.');
    }
  }
  return result.structuredContent as T;
}
