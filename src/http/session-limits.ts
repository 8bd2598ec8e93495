// How many MCP sessions may be open at once, per principal and in all (both HTTP transports together).
// A session takes a slot before its server is made and gives it back once, when it closes or when it
// never opened (a refused initialize). Beyond a principal's share: 429; beyond the total: 503.

export interface SessionLimitsConfig {
  /** Open sessions one principal may hold. */
  perPrincipal: number;
  /** Open sessions in all. */
  total: number;
}

export type Admission =
  | { ok: true; /** Gives the slot back; calling it again does nothing. */ release: () => void }
  | { ok: false; status: 429 | 503; message: string };

export interface SessionCounts {
  /** Slots held: open sessions, and sessions being opened. */
  held: number;
  /** Principals holding at least one slot. */
  principals: number;
  /** The most slots one principal holds. */
  mostByOnePrincipal: number;
  limits: SessionLimitsConfig;
}

export class SessionLimits {
  private readonly byPrincipal = new Map<string, number>();
  private held = 0;

  constructor(private readonly limits: SessionLimitsConfig) {}

  /** Takes a slot for `principal` (a principalKey), or says why not. */
  admit(principal: string): Admission {
    const mine = this.byPrincipal.get(principal) ?? 0;
    if (mine >= this.limits.perPrincipal) {
      return {
        ok: false,
        status: 429,
        message:
          `You have ${mine} open sessions, the most one caller may have on this server (--max-sessions-per-principal, MISSIONS_MAX_SESSIONS_PER_PRINCIPAL). ` +
          'End sessions you no longer use (DELETE /mcp with their Mcp-Session-Id, or close the SSE stream), or reuse one.',
      };
    }
    if (this.held >= this.limits.total) {
      return {
        ok: false,
        status: 503,
        message: `The server has ${this.held} open sessions, its limit (--max-sessions, MISSIONS_MAX_SESSIONS). Try again when some have ended.`,
      };
    }
    this.byPrincipal.set(principal, mine + 1);
    this.held += 1;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.held -= 1;
        const left = (this.byPrincipal.get(principal) ?? 1) - 1;
        if (left > 0) this.byPrincipal.set(principal, left);
        else this.byPrincipal.delete(principal);
      },
    };
  }

  counts(): SessionCounts {
    let most = 0;
    for (const n of this.byPrincipal.values()) most = Math.max(most, n);
    return { held: this.held, principals: this.byPrincipal.size, mostByOnePrincipal: most, limits: { ...this.limits } };
  }
}
