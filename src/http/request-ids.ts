// The JSON-RPC request ids in flight on one Streamable HTTP session. The SDK's transport routes an
// answer to the POST that carried its id, keyed by id alone: a second request with an id still in
// flight takes the first one's route, and one of the two is never answered (the session then counts
// it in flight forever). So a POST carrying an id already in flight (or the same id twice) is refused
// before the transport sees it, and an id is free again once the POST that carried it has ended.

export type RequestId = string | number;

export type Claim =
  | { ok: true; /** Frees the ids; calling it again does nothing. */ release: () => void }
  | { ok: false; duplicates: RequestId[] }
  | { ok: false; duplicates: []; tooMany: RequestId[] };

/**
 * Requests one session may have in flight at once. Every answer is bounded (--max-answer-bytes), but
 * the SDK writes answers without waiting for a slow reader: this bounds what one session can make the
 * server hold for a client that does not read (about 32 × 2 × the answer bound).
 */
export const MAX_IN_FLIGHT_PER_SESSION = 32;

/** The ids of the requests (not notifications, not responses) in a JSON-RPC message or batch. */
export function requestIds(body: unknown): RequestId[] {
  const messages = Array.isArray(body) ? body : [body];
  const ids: RequestId[] = [];
  for (const m of messages) {
    if (m === null || typeof m !== 'object' || typeof (m as { method?: unknown }).method !== 'string') continue;
    const id = (m as { id?: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') ids.push(id);
  }
  return ids;
}

/** The error answer for each refused id (SPEC §9's JSON-RPC, not a tool error: no tool ran). */
export function claimErrors(claim: Extract<Claim, { ok: false }>) {
  if ('tooMany' in claim) {
    return claim.tooMany.map((id) => ({
      jsonrpc: '2.0' as const,
      id,
      error: {
        code: -32600,
        message: `Invalid Request: this session already has ${MAX_IN_FLIGHT_PER_SESSION} requests in flight, the most one session may; wait for their answers before sending more`,
      },
    }));
  }
  return claim.duplicates.map((id) => ({
    jsonrpc: '2.0' as const,
    id,
    error: { code: -32600, message: `Invalid Request: request id ${JSON.stringify(id)} is already in flight on this session; give each request its own id` },
  }));
}

export class InFlightIds {
  private readonly ids = new Set<string>();

  /** Claims every request id of `body`, or none when one of them is already in flight or repeated. */
  claim(body: unknown): Claim {
    const keys = requestIds(body).map((id) => ({ id, key: JSON.stringify(id) })); // 1 and "1" are two ids
    const duplicates: RequestId[] = [];
    const mine = new Set<string>();
    for (const { id, key } of keys) {
      if (this.ids.has(key) || mine.has(key)) duplicates.push(id);
      mine.add(key);
    }
    if (duplicates.length > 0) return { ok: false, duplicates };
    if (this.ids.size + mine.size > MAX_IN_FLIGHT_PER_SESSION) return { ok: false, duplicates: [], tooMany: keys.map((k) => k.id) };
    for (const key of mine) this.ids.add(key);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        for (const key of mine) this.ids.delete(key);
      },
    };
  }
}
