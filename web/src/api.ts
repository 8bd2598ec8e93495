// What the board asks of the server: tools/call through whichever MCP connection it has (plain
// JSON-RPC over /mcp in a browser tab, the host's bridge inside an MCP App). The board only ever uses
// the same tools as any agent; there is no second API.
export interface Schedule {
  type: 'none' | 'once' | 'cron' | 'continuous';
  value: string | null;
  timezone: string;
  maxRuns: number | null;
  lastRun: string | null;
  nextRun: string | null;
  runCount: number;
}

export interface Kpi {
  metric: string;
  target: number | string | null;
  platform: string | null;
  current: number | string | null;
}

export interface Mission {
  id: string;
  title: string;
  goal: string;
  icon: string;
  status: Status;
  schedule: Schedule;
  agentType: string;
  visibility: string;
  owner: { user: string; org: string | null };
  brief: {
    targetAudience: string | null;
    desiredAction: string | null;
    ctaUrl: string | null;
    toneInstructions: string | null;
    exampleMessages: string[];
    offer: { name: string; summary: string | null } | null;
  };
  plan: {
    objectives: string[];
    platforms: string[];
    kpis: Kpi[];
    constraints: Record<string, unknown>;
  };
  stats: Record<string, number>;
  startsAt: string | null;
  endsAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type Status = 'pending' | 'running' | 'paused' | 'completed' | 'failed' | 'archived';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'timed_out' | 'lost' | 'cancelled' | 'awaiting_approval' | 'rejected' | 'expired' | 'superseded';

/** A person's answer to an approval request (SPEC §15). */
export interface Decision {
  by: { user: string; org: string | null };
  at: string;
  decision: 'approve' | 'reject';
  note: string | null;
  via: 'tool' | 'board' | 'elicitation';
}

/** What a run reported (reportProgress, SPEC §16). */
export interface Report {
  summary: string | null;
  progressPercent: number | null;
  stage: string | null;
  kpis: Record<string, number>;
  reportedAt: string;
}

export interface Run {
  id: string;
  missionId: string;
  status: RunStatus;
  trigger: string;
  attempt: number;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  exitCode: number | null;
  signal: string | null;
  error: string | null;
  approval: { command: string; cwd: string; expiresAt: string } | null;
  decision: Decision | null;
  report: Report | null;
  costCents: number;
  output?: string;
  /** getRun of an open request: the prompt to approve (null when it no longer matches the request). */
  prompt?: string | null;
}

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

export type Trend = 'improving' | 'declining' | 'flat' | 'unknown';

export interface KpiProgress {
  metric: string;
  target: number | null;
  current: number | null;
  trend: Trend;
  /** The last 10 reported values, oldest first. */
  history: { value: number; at: string; runId: string }[];
}

/** getMission { expand: ["progress"] } (SPEC §16). */
export interface Progress {
  percent: number | null;
  stage: string | null;
  summary: string | null;
  reportedAt: string | null;
  kpiProgress: KpiProgress[];
  runs: { total: number; succeeded: number; failed: number; lastRun: string | null; nextRun: string | null };
  spend: { costCents: number; budgetCents: number | null; remainingCents: number | null };
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
