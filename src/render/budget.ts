// The bound on one answer (issue 9: listMissions full at limit 100 over maximal missions answered 54.7 MB).
// A page holds the items that fit in --max-answer-bytes of JSON text and stops there (the caller pages on
// with nextCursor); an item that alone is over the bound is answered cut, with a note, never dropped.
import { formatBytes } from '../limits.js';

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** Room kept for the page around the items: total, hasMore, a cursor, warnings. */
export const ENVELOPE_BYTES = 2048;

export interface Fitted<R> {
  items: R[];
  /** How many of the source items the answer holds (the last one possibly cut). */
  count: number;
}

/**
 * Renders items until the next one would pass `budget` bytes. The first item always goes in: cut by
 * `cut` (with its full size) when it alone is over.
 */
export function fitItems<T, R>(source: readonly T[], render: (item: T) => R, cut: (item: T, bytes: number) => R, budget: number): Fitted<R> {
  const items: R[] = [];
  let used = ENVELOPE_BYTES;
  for (const item of source) {
    const rendered = render(item);
    const bytes = jsonBytes(rendered) + 1; // and its comma
    if (used + bytes > budget) {
      if (items.length === 0) items.push(cut(item, bytes - 1));
      break;
    }
    items.push(rendered);
    used += bytes;
  }
  return { items, count: items.length };
}

/** The note on an item answered in compact form because its full form is over the bound. */
export function truncationNote(bytes: number, budget: number): string {
  return `cut to compact form: in full it is ${bytes.toLocaleString('en-US')} bytes, more than one answer may hold (${formatBytes(budget)}, --max-answer-bytes)`;
}
