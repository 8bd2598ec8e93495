// Node's (req, res) to the fetch-shaped face of SDK v2 (createMcpHandler answers a Request with a
// Response) and back. Plumbing only: the body was read and parsed already (size-limited, guards.ts) and
// is handed over as `parsedBody`; the answer, a JSON body or an SSE stream, is copied out as it comes.
// A client that hangs up aborts the exchange (the Request's signal), which the SDK treats as cancel.
import type { IncomingMessage, ServerResponse } from 'node:http';

export function webRequestOf(req: IncomingMessage): { request: Request; abort: () => void } {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const controller = new AbortController();
  const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { method: req.method, headers, signal: controller.signal });
  return { request, abort: () => controller.abort() };
}

/** Writes `response` to `res`, streaming its body; resolves when it is written or the client is gone. */
export async function writeWebResponse(res: ServerResponse, response: Response, extraHeaders: Record<string, string> = {}): Promise<void> {
  const headers: Record<string, string> = { ...extraHeaders };
  response.headers.forEach((value, name) => (headers[name] = value));
  res.writeHead(response.status, headers);
  if (!response.body) return void res.end();
  if (typeof res.flushHeaders === 'function') res.flushHeaders();
  const reader = response.body.getReader();
  const gone = () => void reader.cancel().catch(() => undefined);
  res.once('close', gone);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise<void>((resolve) => (res.writableEnded || res.destroyed ? resolve() : res.once('drain', resolve).once('close', resolve)));
      if (res.destroyed) break;
    }
  } catch {
    // the stream was cancelled because the client left
  } finally {
    res.off('close', gone);
    if (!res.writableEnded) res.end();
  }
}
