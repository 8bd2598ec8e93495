// The one place that decides how missions look in results, for every tool and both modes.
import { z } from 'zod';
import type { Mode } from '../mission/input.js';
import type { Mission } from '../mission/model.js';
import { fitItems, truncationNote } from './budget.js';
import { compactListItem, compactMission, type CompactListItem, type CompactMission, type TruncatedMission } from './compact.js';

export type { Mode };

// What tools/list advertises for a mission: an object, valid for both modes in two tokens (tools/list is
// paid for by every agent session, and the tool descriptions say what each mode returns). The exact
// shapes are the zod schemas `Mission` (full) and `CompactMission`/`CompactListItem`; the tests hold
// every result to them as well as to the advertised schema.
const str = z.string();
const missionLike = () =>
  z.looseObject({ id: str, title: str, status: str }).meta({ advertiseWithout: ['properties', 'required'] });

export const MissionOutput = missionLike();
export const ListItemOutput = missionLike();

export function renderMission(m: Mission, mode: Mode): Mission | CompactMission {
  return mode === 'full' ? m : compactMission(m);
}

/** The mission as `mode` renders it, or its compact form with a note when that is over `budget` bytes. */
export function renderWithin(m: Mission, mode: Mode, budget: number): Mission | CompactMission | TruncatedMission {
  return fitItems([m], (x) => renderMission(x, mode), (x, bytes) => truncatedMission(x, bytes, budget), budget).items[0]!;
}

export const truncatedMission = (m: Mission, bytes: number, budget: number): TruncatedMission => ({
  ...compactMission(m),
  truncated: truncationNote(bytes, budget),
});

export function renderListItem(m: Mission, mode: Mode): Mission | CompactListItem {
  return mode === 'full' ? m : compactListItem(m);
}
