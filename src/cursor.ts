// Opaque keyset cursors, shared by listMissions and listRuns: JSON in base64url, carrying the
// fingerprint of the filters (and order) they were made for, so a cursor used with other filters is
// refused rather than silently skipping or repeating items.
import { MissionError, invalidField } from './errors.js';

export function encodeCursor(data: object): string {
  return Buffer.from(JSON.stringify({ v: 1, ...data })).toString('base64url');
}

/** The cursor's data, or invalid_request at `cursor` naming the tool that makes such cursors. */
export function decodeCursor<T extends { f: string }>(cursor: string, tool: string, isData: (data: Record<string, unknown>) => boolean): T {
  try {
    const data = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown> | null;
    if (data && data.v === 1 && typeof data.f === 'string' && isData(data)) return data as unknown as T;
  } catch {
    // fall through
  }
  throw invalidField('cursor', `not a cursor from ${tool}; pass nextCursor exactly as returned, or omit it to start over`);
}

/** A well-formed cursor made for a call with other filters (`what`: "filters", or "filters, sort or order"). */
export function cursorForOtherCall(tool: string, what: string): MissionError {
  return new MissionError('invalid_request', `This cursor belongs to a ${tool} call with other ${what}. Repeat the same filters with it, or omit cursor to start over.`, {
    param: 'cursor',
    issues: [{ path: 'cursor', message: `made for different ${what}` }],
  });
}
