// PostgreSQL failures as store_error: which server and database, what went wrong, what to do. The
// message never holds the password (pg's own messages do not, and the URL is masked).
import { MissionError } from '../../errors.js';
import type { Target } from './target.js';

/** SQLSTATEs a write is retried for: it lost a race and nothing was written. */
export const RETRYABLE = new Set(['40001', '40P01']);

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE', '57P01', '57P02', '57P03', '53300']);

export function isConnectionFault(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  if (e?.code && (CONNECTION_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(e?.message ?? '');
}

export function pgStoreError(target: Target, error: unknown, when: 'read' | 'write' | 'commit'): MissionError {
  if (error instanceof MissionError) return error;
  const e = error as { code?: string; message?: string };
  const where = `PostgreSQL at ${target.host}:${target.port}, database "${target.database}"`;
  const reason = `${e?.message ?? String(error)}${e?.code ? ` (${e.code})` : ''}`;
  const nothing = when === 'commit' ? 'The change may or may not have been saved: read it back before repeating it' : when === 'write' ? 'Nothing was written' : 'Nothing was read';
  const advice = isConnectionFault(error)
    ? `Check that PostgreSQL is running and accepts connections there, and that --store (or MISSIONS_STORE) names the right server; missions-mcp reconnects by itself once it is back`
    : e?.code === '28P01' || e?.code === '28000'
      ? 'Check the user and password in the connection string'
      : e?.code === '3D000'
        ? `Create the database first (createdb ${target.database})`
        : 'Check the PostgreSQL server log for this error';
  return new MissionError('store_error', `Cannot use the mission store ${where}: ${reason}. ${advice}. ${nothing}.`, { cause: error });
}
