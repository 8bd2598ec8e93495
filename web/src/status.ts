// Statuses in the words of SPEC §4, and which buttons make sense for each.
import type { Status } from './api';

export const STATUSES: readonly Status[] = ['pending', 'running', 'paused', 'completed', 'failed', 'archived'];

export const STATUS_WORDS: Record<Status, string> = {
  pending: 'Pending: waiting for its next run',
  running: 'Running: a run is in progress',
  paused: 'Paused',
  completed: 'Completed',
  failed: 'Failed',
  archived: 'Archived',
};

export const canPause = (s: Status) => s === 'pending' || s === 'running';
export const canResume = (s: Status) => s === 'paused' || s === 'completed' || s === 'failed' || s === 'archived';
export const canRunNow = (s: Status) => s === 'pending' || s === 'completed' || s === 'failed'; // a paused one is resumed first
