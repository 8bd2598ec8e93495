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

export interface Run {
  id: string;
  missionId: string;
  status: 'running' | 'succeeded' | 'failed' | 'timed_out' | 'lost' | 'cancelled';
  trigger: string;
  attempt: number;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  exitCode: number | null;
  signal: string | null;
  error: string | null;
  output?: string;
}


export type MissionPage = { missions: Mission[]; total: number; hasMore: boolean; nextCursor: string | null };
export type RunPage = { runs: Run[]; total: number; hasMore: boolean; nextCursor: string | null };

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
  /** Calls a tool and returns its structuredContent; a tool error throws ToolError. */
  call<T>(tool: string, args: Record<string, unknown>): Promise<T>;
}

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
