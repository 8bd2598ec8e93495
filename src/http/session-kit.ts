// What both MCP transports need to open and serve a session: the registry, the per-caller limits, a
// fresh MCP server per session (the same factory as stdio), request counting and a size-limited body.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpConfig } from '../config.js';
import { realDeps, type AgentsKnowledge } from '../deps.js';
import type { Logger } from '../dispatch.js';
import type { Limits } from '../limits.js';
import { principalKey, type Identity } from '../mission/access.js';
import type { Mode } from '../mission/input.js';
import { createServer, type MissionServer } from '../server.js';
import type { MissionStore } from '../store/types.js';
import type { AnyTool } from '../tool.js';
import { SPEC9_STYLE, readBody, sendError, sendJson, type ErrorStyle } from './guards.js';
import type { RequestCounter } from './requests.js';
import type { Admission, SessionLimits } from './session-limits.js';
import type { SessionRegistry } from './sessions.js';

export interface SessionKitOptions {
  http: HttpConfig;
  store: MissionStore;
  outputMode: Mode;
  readOnly: boolean;
  /** The tools each session offers (selectTools in tools/index.ts). */
  tools: readonly AnyTool[];
  /** Mission size, missions per owner, answer size (DEFAULT_LIMITS when absent). */
  limits?: Limits;
  /** What this process knows of its agents (warnings beside results, what an approval shows). */
  agents?: AgentsKnowledge;
  log: Logger;
}

export type Slot = Extract<Admission, { ok: true }>;

export interface SessionKit {
  readonly sessions: SessionRegistry;
  readonly requests: RequestCounter;
  /** A slot for one more session of this caller, or undefined when the refusal was sent (429/503). */
  admit(res: ServerResponse, identity: Identity, style?: ErrorStyle): Slot | undefined;
  /** The MCP server of a new session; `canNotify` is false while its client cannot hear notices. */
  newServer(identity: Identity, canNotify?: () => boolean): MissionServer;
  /** A JSON body within the size limit, or undefined when an answer was already sent. */
  jsonBody(req: IncomingMessage, res: ServerResponse, style?: ErrorStyle): Promise<unknown>;
}

export function createSessionKit(options: SessionKitOptions, sessions: SessionRegistry, limits: SessionLimits, requests: RequestCounter): SessionKit {
  const { store, log } = options;
  return {
    sessions,
    requests,
    admit(res, identity, style = SPEC9_STYLE) {
      const admission = limits.admit(principalKey(identity));
      if (admission.ok) return admission;
      sendError(res, admission.status, 'too_many_sessions', admission.message, {}, style);
      return undefined;
    },
    newServer: (identity, canNotify) =>
      createServer(realDeps(store, { defaultMode: options.outputMode, identity, limits: options.limits, agents: options.agents }), { tools: options.tools, readOnly: options.readOnly, log, canNotify }),
    async jsonBody(req, res, style = SPEC9_STYLE) {
      const body = await readBody(req, res, options.http.maxBody, style);
      if (!body.ok) return undefined;
      try {
        return JSON.parse(body.text);
      } catch {
        sendJson(res, 400, { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error: the body is not valid JSON' }, id: null });
        return undefined;
      }
    },
  };
}

export const sessionGone = (res: ServerResponse) =>
  sendError(res, 404, 'not_found', 'Session not found: it was ended (DELETE, idle timeout, server restart) or never existed. Start a new session.');
