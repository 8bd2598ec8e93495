// The lifecycle (SPEC §4) as data, with no imports: the server's rules (lifecycle.ts) and the board
// (web/src/status.ts) read the same table, so that a button is offered exactly when the change is allowed.
export const STATUSES = ['pending', 'running', 'paused', 'completed', 'failed', 'archived'] as const;
export type Status = (typeof STATUSES)[number];

/** Which status each status may become; anything else is a conflict. */
export const TRANSITIONS: Readonly<Record<Status, readonly Status[]>> = {
  pending: ['running', 'paused', 'completed', 'failed', 'archived'],
  running: ['pending', 'paused', 'completed', 'failed'],
  paused: ['pending', 'completed', 'archived'],
  completed: ['pending', 'archived'],
  failed: ['pending', 'archived'],
  archived: ['pending'],
};

export function canTransition(from: Status, to: Status): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

/** runMission's rule: pending, completed and failed missions can be made due now (a paused one is resumed first). */
export const canRunNow = (s: Status): boolean => s === 'pending' || s === 'completed' || s === 'failed';
