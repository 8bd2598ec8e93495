// The legacy HTTP+SSE transport: GET /sse opens a session and its event stream (which names the
// endpoint to post to), POST /messages?sessionId=… carries the client's messages.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { principalKey, type Identity } from '../mission/access.js';
import { sessionGone, type SessionKit } from './session-kit.js';
import type { Session } from './sessions.js';

export const SSE_PATH = '/sse';
export const MESSAGES_PATH = '/messages';

type SseSession = Session & { transport: SSEServerTransport };

export interface SseHandlers {
  /** GET /sse */
  open(res: ServerResponse, identity: Identity): Promise<void>;
  /** POST /messages */
  post(req: IncomingMessage, res: ServerResponse, url: URL, identity: Identity): Promise<void>;
}

export function sseHandlers(kit: SessionKit): SseHandlers {
  const { sessions } = kit;
  return {
    async open(res, identity) {
      const slot = kit.admit(res, identity);
      if (!slot) return;
      const { server, drain, watching, onClose } = kit.newServer(identity);
      const transport = new SSEServerTransport(MESSAGES_PATH, res);
      const session: SseSession = {
        id: transport.sessionId,
        kind: 'sse',
        owner: principalKey(identity),
        transport,
        drain,
        watching,
        close: () => server.close(),
      };
      onClose(() => {
        sessions.remove(session.id);
        slot.release();
      });
      sessions.add(session);
      res.once('close', sessions.begin(session.id)); // connected while its stream is open: never idle
      try {
        await server.connect(transport); // writes the headers and the endpoint event
      } catch (error) {
        sessions.remove(session.id);
        slot.release();
        throw error;
      }
    },

    async post(req, res, url, identity) {
      const id = url.searchParams.get('sessionId') ?? '';
      const session = sessions.find(id, 'sse', principalKey(identity)) as SseSession | undefined;
      if (!session) return sessionGone(res);
      const body = await kit.jsonBody(req, res);
      if (body === undefined) return;
      kit.requests.track(res, id);
      await session.transport.handlePostMessage(req, res, body);
    },
  };
}
