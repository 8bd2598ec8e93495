// Run records (SPEC §12): one per attempt of a mission's agent. Stored beside the missions, never
// inside them. The stored record carries no output: an output (the last 16 KB of the agent's stdout
// and stderr) lives apart, so that holding every run's record costs a few hundred bytes each.
import { z } from 'zod';
import { IsoTime } from '../mission/fields.js';
import { AgentType, MISSION_ID, RUN_ID } from '../mission/model.js';

export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'timed_out', 'lost', 'cancelled'] as const;
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

export const RunRecord = z.object({
  id: z.string().regex(RUN_ID).describe('run id'),
  missionId: z.string().regex(MISSION_ID).describe('the mission it ran'),
  status: RunStatus.describe('running, succeeded, failed, timed_out, lost or cancelled'),
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
});
export type RunRecord = z.infer<typeof RunRecord>;

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
