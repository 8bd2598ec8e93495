// Statuses in the words of SPEC §4, and which buttons make sense for each: from the server's own
// lifecycle table (src/mission/statuses.ts), so that the board offers exactly what the tools allow.
import { STATUSES, TRANSITIONS, canRunNow, type Status } from '../../src/mission/statuses.js';

export { STATUSES, canRunNow };

export const STATUS_WORDS: Record<Status, string> = {
  pending: 'Pending: waiting for its next run',
  running: 'Running: a run is in progress',
  paused: 'Paused',
  completed: 'Completed',
  failed: 'Failed',
  archived: 'Archived',
};

/** pauseMission: into paused. */
export const canPause = (s: Status) => TRANSITIONS[s].includes('paused');
/** resumeMission: back to pending from a status that is not already waiting or running. */
export const canResume = (s: Status) => s !== 'pending' && s !== 'running' && TRANSITIONS[s].includes('pending');
