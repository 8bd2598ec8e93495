// The prompt an agent gets on stdin (SPEC §12, §16): the title and goal verbatim, then the brief and the
// plan as readable text when they say anything, then where the last run left off. It is data on a pipe,
// never a command line.
import type { Brief, Mission, Plan } from '../mission/model.js';
import type { RunRecord } from '../run/model.js';

const line = (label: string, value: string | number | boolean | null | undefined): string[] =>
  value === null || value === undefined || value === '' ? [] : [`- ${label}: ${value}`];

function briefText(b: Brief): string[] {
  const out = [
    ...line('Target audience', b.targetAudience),
    ...line('Desired action', b.desiredAction),
    ...line('Call-to-action URL', b.ctaUrl),
    ...line('Tone', b.toneInstructions),
  ];
  if (b.exampleMessages.length) out.push('- Example messages:', ...b.exampleMessages.map((m) => `  - ${m}`));
  if (b.offer) {
    out.push(`- Offer: ${b.offer.name}${b.offer.id ? ` (${b.offer.id})` : ''}`);
    out.push(...line('  Summary', b.offer.summary), ...line('  Landing page', b.offer.landingPageUrl));
  }
  return out;
}

function planText(p: Plan): string[] {
  const out: string[] = [];
  if (p.objectives.length) out.push('- Objectives:', ...p.objectives.map((o) => `  - ${o}`));
  if (p.platforms.length) out.push(`- Platforms: ${p.platforms.join(', ')}`);
  const c = p.constraints;
  const constraints = [
    ...line('Tone', c.tone),
    ...line('Cadence', c.cadence),
    ...line('Posts per day', c.postsPerDay),
    ...line('Posting times', c.postingTimes.join(', ')),
    ...line('Time zone', c.timezone),
    ...line('Requires approval before posting', c.requireApproval === null ? null : c.requireApproval ? 'yes' : 'no'),
    ...line('Budget (cents)', c.budgetCents),
    ...line('Excluded topics', c.excludedTopics.join(', ')),
  ];
  if (constraints.length) out.push('- Constraints:', ...constraints.map((l) => `  ${l}`));
  for (const k of p.kpis) {
    const parts = [k.target !== null ? `target ${k.target}` : '', k.current !== null ? `current ${k.current}` : '', k.platform ? `on ${k.platform}` : ''].filter(Boolean);
    out.push(`- KPI ${k.metric}${parts.length ? `: ${parts.join(', ')}` : ''}`);
  }
  return out;
}

/** Where the previous run left off (SPEC §16): its outcome and summary, and each KPI against its target. */
function lastRunText(m: Mission, previous: RunRecord): string[] {
  const how = previous.exitCode !== null ? ` (exit ${previous.exitCode})` : '';
  const out = [`- Outcome: ${previous.status}${how}, ended ${previous.endedAt ?? previous.startedAt}`];
  if (previous.status !== 'succeeded' && previous.error) out.push(`- Error: ${previous.error}`);
  out.push(...line('Summary', previous.report?.summary));
  if (previous.report?.stage) out.push(...line('Stage', previous.report.stage));
  if (previous.report?.progressPercent != null) out.push(...line('Progress', `${previous.report.progressPercent}%`));
  for (const k of m.plan.kpis) {
    const target = k.target !== null ? ` of target ${k.target}` : ' (no target)';
    out.push(`- KPI ${k.metric}: ${k.current ?? 'not reported yet'}${target}`);
  }
  return out;
}

/** The whole prompt for one run of `m`; after the first run it starts from `previous` (the last run that ended). */
export function promptFor(m: Mission, previous?: RunRecord): string {
  const parts = [`# Mission: ${m.title}`, '', m.goal];
  const brief = briefText(m.brief);
  if (brief.length) parts.push('', '## Brief', ...brief);
  const plan = planText(m.plan);
  if (plan.length) parts.push('', '## Plan', ...plan);
  if (previous) parts.push('', '## Last run', ...lastRunText(m, previous));
  return `${parts.join('\n')}\n`;
}
