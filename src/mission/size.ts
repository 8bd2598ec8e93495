// How much room a mission takes, and the bound on it (issue 9: one user could grow the store past what
// any process can read). Measured as the bytes of its JSON, the form it takes in the journal and the
// snapshot.
import { MissionError } from '../errors.js';
import { formatBytes } from '../limits.js';
import type { Mission } from './model.js';

export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** Where the bytes are: top-level fields, and the fields of brief and plan; largest first. */
export function largestParts(m: Mission): { path: string; bytes: number }[] {
  const parts: { path: string; bytes: number }[] = [];
  for (const [key, value] of Object.entries(m)) {
    if ((key === 'brief' || key === 'plan') && value !== null && typeof value === 'object') {
      for (const [sub, v] of Object.entries(value as object)) parts.push({ path: `${key}.${sub}`, bytes: jsonBytes(v) });
    } else parts.push({ path: key, bytes: jsonBytes(value) });
  }
  return parts.sort((a, b) => b.bytes - a.bytes);
}

const n = (x: number) => x.toLocaleString('en-US');

/** What a status change or a run adds to a mission (times, counters): allowed to one already over the limit. */
const BOOKKEEPING_BYTES = 1024;

/**
 * Refuses a mission larger than `max` bytes of JSON, naming the limit, the size and the parts to
 * shorten. A mission stored before the limit existed (or under a larger one) may still be paused,
 * resumed and shortened: it may change as long as it grows by no more than bookkeeping.
 */
export function checkMissionSize(m: Mission, before: Mission | undefined, max: number): void {
  const size = jsonBytes(m);
  if (size <= max || (before !== undefined && size <= jsonBytes(before) + BOOKKEEPING_BYTES)) return;
  // In the caller's words: an update adds to the import log through addImports.
  const parts = largestParts(m)
    .slice(0, 3)
    .map((p) => ({ ...p, path: p.path === 'imports' && before ? 'addImports' : p.path }));
  const list = parts.map((p) => `${p.path} (${n(p.bytes)} bytes)`).join(', ');
  throw new MissionError(
    'invalid_request',
    `This mission would take ${n(size)} bytes of JSON, over the limit of ${formatBytes(max)} (${n(max)} bytes) per mission ` +
      `(--max-mission-bytes). Shorten its largest parts: ${list}. Nothing was written.`,
    { param: parts[0]!.path, issues: [{ path: parts[0]!.path, message: `the mission would be ${n(size)} bytes, over the limit of ${n(max)}; this part is ${n(parts[0]!.bytes)} bytes` }] },
  );
}
