// The one place that decides how missions look in results, for every tool and both modes.
import { z } from 'zod';
import type { Mode } from '../mission/input.js';
import { Mission } from '../mission/model.js';
import { CompactListItem, CompactMission, compactListItem, compactMission } from './compact.js';

export type { Mode };

/** A mission in a result: the full record, or the compact one. */
export const MissionOutput = z.union([Mission, CompactMission]).describe('the mission (full or compact, per mode)');
export const ListItemOutput = z.union([Mission, CompactListItem]).describe('a mission (full) or {id,title,status,nextRun} (compact)');

export function renderMission(m: Mission, mode: Mode): Mission | CompactMission {
  return mode === 'full' ? m : compactMission(m);
}

export function renderListItem(m: Mission, mode: Mode): Mission | CompactListItem {
  return mode === 'full' ? m : compactListItem(m);
}
