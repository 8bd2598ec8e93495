// Run records (SPEC §12): one per attempt of a mission's agent. Stored beside the missions, never
// inside them. The stored record carries no output: an output (the last 16 KB of the agent's stdout
// and stderr) lives apart, so that holding every run's record costs a few hundred bytes each.
import { z } from 'zod';
import { IsoTime } from '../mission/fields.js';
import { AgentType, MISSION_ID, RUN_ID } from '../mission/model.js';

export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'timed_out', 'lost', 'cancelled', 'awaiting_approval', 'rejected', 'expired', 'superseded'] as const;
/** Runs that have not ended: an agent running, or a request waiting for a person (the store keeps them at hand). */
export const OPEN_RUN_STATUSES = ['running', 'awaiting_approval'] as const;
export const isOpenRun = (r: Pick<RunRecord, 'status'>): boolean => (OPEN_RUN_STATUSES as readonly string[]).includes(r.status);
/** Statuses of a run that never started an agent: an approval request and how it ended (SPEC §15). */
export const REQUEST_STATUSES = ['awaiting_approval', 'rejected', 'expired', 'superseded'] as const;
export const TRIGGERS = ['schedule', 'manual', 'retry'] as const;
export const RunStatus = z.enum(RUN_STATUSES);
export const Trigger = z.enum(TRIGGERS);
export type RunStatus = z.infer<typeof RunStatus>;
export type Trigger = z.infer<typeof Trigger>;

/** The bytes of output kept per run: the end of it, where an agent says how it went. */
export const OUTPUT_CAP_BYTES = 16 * 1024;
/** Runs kept per mission; older ones are dropped as new ones start. */
export const RUNS_KEPT_PER_MISSION = 100;

export { RUN_ID };

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable();

/** The longest summary a run may report (SPEC §16). */
export const SUMMARY_MAX = 4000;

export const Principal = z.object({ user: z.string(), org: nullable(z.string()) });

/** A person's answer to an approval request (SPEC §15). */
export const Decision = z.object({
  by: Principal.describe('who decided'),
  at: IsoTime.describe('when'),
  decision: z.enum(['approve', 'reject']).describe('approve or reject'),
  note: nullable(z.string().max(2000)).describe('why, if they said'),
  via: z.enum(['tool', 'board', 'elicitation']).describe('how they were asked'),
});
export type Decision = z.infer<typeof Decision>;

/** What an approval request shows the person: the agent's command line and working folder; the prompt comes from the mission. */
export const ApprovalRequest = z.object({
  command: z.string().max(4000).describe('the agent command line it would run'),
  cwd: z.string().max(4000).describe('its working folder'),
  expiresAt: IsoTime.describe('undecided by then, it expires'),
});
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;

/** The latest values a run reported (reportProgress; SPEC §16). */
export const Report = z.object({
  summary: nullable(z.string().max(SUMMARY_MAX)).describe('what the run did'),
  progressPercent: nullable(z.number().min(0).max(100)).describe('0–100'),
  stage: nullable(z.string().max(200)).describe('pipeline stage'),
  kpis: z.record(z.string(), z.number()).describe('KPI values, by metric'),
  reportedAt: IsoTime.describe('last report'),
});
export type Report = z.infer<typeof Report>;

export const RunRecord = z.object({
  id: z.string().regex(RUN_ID).describe('run id'),
  missionId: z.string().regex(MISSION_ID).describe('the mission it ran'),
  status: RunStatus.describe('running, succeeded, failed, timed_out, lost, cancelled; or an approval request: awaiting_approval, rejected, expired, superseded'),
  trigger: Trigger.describe('schedule, manual or retry'),
  attempt: z.number().int().min(1).describe('1 for a slot\'s first run, 2+ for its retries'),
  slot: nullable(IsoTime).describe('the scheduled time this run serves'),
  agentType: AgentType.describe('agent runtime'),
  worker: nullable(z.string().max(200)).describe('the worker that claimed it; null for a run opened by hand'),
  leaseExpiresAt: nullable(IsoTime).describe('a running run whose lease passes is lost'),
  startedAt: IsoTime.describe('when it started'),
  endedAt: nullable(IsoTime).describe('when it ended'),
  durationMs: nullable(z.number().int().min(0)).describe('endedAt - startedAt'),
  exitCode: nullable(z.number().int()).describe('the agent\'s exit code'),
  signal: nullable(z.string().max(20)).describe('the signal that ended the agent'),
  error: nullable(z.string().max(2000)).describe('why it did not succeed'),
  retryAt: nullable(IsoTime).describe('when the next attempt of this slot is due, if any'),
  outputBytes: z.number().int().min(0).describe('bytes of output kept'),
  // Added with approvals and reports (SPEC §15, §16); optional so that older records load as they are.
  // Results always carry them (src/render/run.ts fills null and 0).
  promptHash: nullable(z.string().regex(/^[0-9a-f]{64}$/)).optional().describe('SHA-256 of the prompt, agent type and folder an approval binds'),
  approval: nullable(ApprovalRequest).optional().describe('set on an approval request'),
  decision: nullable(Decision).optional().describe('the approval decision'),
  report: nullable(Report).optional().describe('what the agent reported'),
  costCents: z.number().int().min(0).optional().describe('AI spend this run reported, cents'),
  spentCents: z.number().int().min(0).optional().describe('the mission\'s spend so far, this run included, cents'),
});
export type RunRecord = z.infer<typeof RunRecord>;

/** A request that waits for a person's decision: while it does, its mission is not due work for workers. */
export const awaitsPerson = (r: Pick<RunRecord, 'status' | 'decision'>): boolean => r.status === 'awaiting_approval' && r.decision == null;

/** A run that never started an agent: an approval request, open or ended. */
export const isRequest = (r: Pick<RunRecord, 'status'>): boolean => (REQUEST_STATUSES as readonly string[]).includes(r.status);

/** A run as tools return it: the record and its output. */
export type Run = RunRecord & { output: string };

/** A worker's heartbeat: which workers serve this store, and when each was last seen. */
export const WorkerRecord = z.object({
  id: z.string().max(200),
  host: z.string().max(200),
  pid: z.number().int(),
  startedAt: IsoTime,
  seenAt: IsoTime,
  leaseSeconds: z.number().int().min(1),
});
export type WorkerRecord = z.infer<typeof WorkerRecord>;
