// A store change, declared once: the parts a write may change, each with the schema its records have.
// The write plan (types.ts), the journal's line (journal.ts), the index's apply (mission-index.ts) and
// the empty test and trimming below all come from this one table; PostgreSQL's applyPlan writes the
// same parts as SQL.
import { z } from 'zod';
import { Mission } from '../mission/model.js';
import { RunRecord, WorkerRecord } from '../run/model.js';

const ids = z.array(z.string());

/** Each part of a change and its records. The order is the order `apply` uses: removals before puts. */
export const CHANGE_PARTS = {
  remove: ids,
  put: z.array(Mission),
  removeRuns: ids,
  runs: z.array(RunRecord),
  removeWorkers: ids,
  workers: z.array(WorkerRecord),
} as const;

export type ChangePart = keyof typeof CHANGE_PARTS;
const PARTS = Object.keys(CHANGE_PARTS) as ChangePart[];

/** The change as a journal line holds it (every part optional; unknown keys refused). */
export const StoreChangeSchema = z.strictObject(
  Object.fromEntries(PARTS.map((p) => [p, CHANGE_PARTS[p].optional()])) as { [P in ChangePart]: z.ZodOptional<(typeof CHANGE_PARTS)[P]> },
);

/** The parts of a write that change the store's state. */
export type StoreChange = z.infer<typeof StoreChangeSchema>;

/** True when a change changes nothing. */
export const isEmptyChange = (c: StoreChange): boolean => PARTS.every((p) => !c[p]?.length);

/** The state-changing parts of `c`, without empty lists (as a journal line holds them). */
export function changeOf(c: StoreChange): StoreChange {
  const out: Record<string, unknown> = {};
  for (const p of PARTS) if (c[p]?.length) out[p] = c[p];
  return out as StoreChange;
}

/** What applying a change does, part by part (an engine's own effects, in CHANGE_PARTS order). */
export type ChangeEffects = { [P in ChangePart]: (item: NonNullable<StoreChange[P]>[number]) => void };

export function applyChange(change: StoreChange, effects: ChangeEffects): void {
  for (const p of PARTS) for (const item of change[p] ?? []) (effects[p] as (x: unknown) => void)(item);
}
