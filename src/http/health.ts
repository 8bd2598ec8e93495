// GET /healthz: open sessions by transport, requests in progress, and the session limits.
import type { RequestCounter } from './requests.js';
import type { SessionLimits } from './session-limits.js';
import type { SessionRegistry } from './sessions.js';

export interface Health {
  status: 'ok' | 'stopping';
  sessions: number;
  streamable: number;
  sse: number;
  requests: number;
  /** Sessions polling the store for resource notices (subscribed, with a stream open to hear them). */
  watching: number;
  /** Principals with at least one open session, and the most sessions one of them holds (no names). */
  principals: number;
  mostSessionsOfOnePrincipal: number;
  limits: { sessionsPerPrincipal: number; sessions: number };
}

export function healthOf(sessions: SessionRegistry, limits: SessionLimits, requests: RequestCounter, stopping: boolean): Health {
  const { total, streamable, sse, watching } = sessions.counts();
  const held = limits.counts();
  return {
    status: stopping ? 'stopping' : 'ok',
    sessions: total,
    streamable,
    sse,
    requests: requests.count,
    watching,
    principals: held.principals,
    mostSessionsOfOnePrincipal: held.mostByOnePrincipal,
    limits: { sessionsPerPrincipal: held.limits.perPrincipal, sessions: held.limits.total },
  };
}
