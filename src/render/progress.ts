// How a mission's progress (SPEC §16) looks in compact mode: the percent and each KPI's current value
// and trend; full mode is the whole Progress of src/run/results.ts.
import { z } from 'zod';
import type { Progress } from '../run/results.js';

export const CompactProgress = z.strictObject({
  percent: z.number().optional(),
  kpis: z.array(z.strictObject({ metric: z.string(), current: z.number().nullable(), trend: z.string() })).optional(),
});
export type CompactProgress = z.infer<typeof CompactProgress>;

export function compactProgress(p: Progress): CompactProgress {
  const out: CompactProgress = {};
  if (p.percent !== null) out.percent = p.percent;
  if (p.kpiProgress.length) out.kpis = p.kpiProgress.map((k) => ({ metric: k.metric, current: k.current, trend: k.trend }));
  return out;
}
