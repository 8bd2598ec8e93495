// How runs look in results, in both modes. Full: the record (and, for getRun, its output). Compact:
// what is set and not default, and the end of the output.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Identity } from '../mission/access.js';
import type { Mode } from '../mission/input.js';
import { RunStatus, type Run, type RunRecord } from '../run/model.js';

/** The end of the output that compact mode keeps. */
export const OUTPUT_EXCERPT = 600;

export const CompactRun = z.strictObject({
  id: z.string(),
  missionId: z.string(),
  status: RunStatus,
  trigger: z.string().optional().describe('when not "schedule"'),
  attempt: z.number().optional().describe('when not 1'),
  startedAt: z.string(),
  durationMs: z.number().optional(),
  exitCode: z.number().optional(),
  signal: z.string().optional(),
  error: z.string().optional(),
  retryAt: z.string().optional(),
  expiresAt: z.string().optional().describe('an open approval request expires then'),
  decision: z.string().optional().describe('"approve by alice" / "reject by bob"'),
  summary: z.string().optional().describe('what the agent reported'),
  progressPercent: z.number().optional(),
  costCents: z.number().optional(),
  prompt: z.string().optional().describe('the start of the prompt an open request asks to approve'),
  output: z.string().optional().describe('the end of the output; "…" marks a cut'),
});
export type CompactRun = z.infer<typeof CompactRun>;

const str = z.string();
/** Advertised shape: an object, valid for both modes (the exact shapes are RunRecord and CompactRun). */
export const RunOutput = z.looseObject({ id: str, missionId: str, status: str }).meta({ advertiseWithout: ['properties', 'required'] });

const cut = (text: string): string => (text.length > OUTPUT_EXCERPT ? `${text.slice(0, OUTPUT_EXCERPT)}…` : text);

export function compactRun(r: RunRecord, output?: string, prompt?: string | null): CompactRun {
  const out: CompactRun = { id: r.id, missionId: r.missionId, status: r.status, startedAt: r.startedAt };
  if (r.trigger !== 'schedule') out.trigger = r.trigger;
  if (r.attempt !== 1) out.attempt = r.attempt;
  if (r.durationMs !== null) out.durationMs = r.durationMs;
  if (r.exitCode !== null) out.exitCode = r.exitCode;
  if (r.signal !== null) out.signal = r.signal;
  if (r.error !== null) out.error = r.error;
  if (r.retryAt !== null) out.retryAt = r.retryAt;
  if (r.status === 'awaiting_approval' && r.approval && !r.decision) out.expiresAt = r.approval.expiresAt;
  if (r.decision) out.decision = `${r.decision.decision} by ${r.decision.by.user}`;
  if (r.report?.summary) out.summary = cut(r.report.summary);
  if (r.report?.progressPercent != null) out.progressPercent = r.report.progressPercent;
  if (r.costCents) out.costCents = r.costCents;
  if (prompt) out.prompt = cut(prompt);
  if (output) out.output = output.length > OUTPUT_EXCERPT ? `…${output.slice(-OUTPUT_EXCERPT)}` : output;
  return out;
}

/**
 * The run as `who` may see it: a worker's id names the operator's host and pid, so only the local user
 * sees it; everyone else sees a stable alias (the same worker, the same alias), enough to tell workers apart.
 */
export function runSeenBy<R extends RunRecord>(r: R, who: Identity): R {
  if (who.kind === 'local' || r.worker === null) return r;
  return { ...r, worker: `worker-${createHash('sha256').update(r.worker).digest('hex').slice(0, 12)}` };
}

/** Full mode: every field present, those an older record lacks as null or 0 (SPEC §2's rule for missions, kept for runs). */
export function fullRun<R extends RunRecord>(r: R): R {
  return { promptHash: null, approval: null, decision: null, report: null, costCents: 0, spentCents: 0, ...r };
}

/** A run as getRun answers it: its output, and for an open approval request the prompt to approve (null when none). */
export type RunWithPrompt = Run & { prompt?: string | null };

/** A run with its output (getRun, decideRun). */
export function renderRun(run: RunWithPrompt, mode: Mode): RunWithPrompt | CompactRun {
  return mode === 'full' ? fullRun(run) : compactRun(run, run.output, run.prompt);
}

/** A run in a list: without output in both modes (getRun has it). */
export function renderRunItem(r: RunRecord, mode: Mode): RunRecord | CompactRun {
  return mode === 'full' ? fullRun(r) : compactRun(r);
}
