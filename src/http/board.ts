// GET / : the mission board's static files (SPEC §14), built by Vite into dist/web. No token is needed
// for the files themselves: they hold no data; the page asks /mcp for missions with the caller's token
// like any other MCP client. Hashed assets are cached for good; index.html is revalidated each time so
// that a new build shows at once. A strict Content-Security-Policy lets the page load only this
// server's own scripts and styles and talk only to this server.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { NOT_BUILT, WEB_DIR } from '../board/files.js';
import { sendError } from './guards.js';

export const BOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
  cache: string;
}

/** Every built file by its URL path, read once: the board is a few small files. */
function loadFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!existsSync(dir)) return files;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const urlPath = '/' + relative(dir, full).split(sep).join('/');
    const type = TYPES[extname(entry.name)];
    if (!type) continue;
    const body = readFileSync(full);
    const hashed = urlPath.startsWith('/assets/'); // Vite names them by content hash
    files.set(urlPath, {
      body,
      type,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      cache: hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  }
  return files;
}

export interface BoardFiles {
  /** True when `path` is the board's to answer (GET / and its files). */
  serves(path: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, path: string): void;
}

export function createBoardFiles(dir: string = WEB_DIR): BoardFiles {
  let files: Map<string, StaticFile> | undefined;
  const lookup = (path: string) => (files ??= loadFiles(dir)).get(path === '/' ? '/index.html' : path);
  return {
    serves: (path) => path === '/' || lookup(path) !== undefined,
    handle(req, res, path) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'method_not_allowed', `Use GET ${path}.`, { Allow: 'GET, HEAD' });
      const file = lookup(path);
      if (!file) return sendError(res, 404, 'not_found', NOT_BUILT);
      const headers = {
        'Content-Type': file.type,
        'Cache-Control': file.cache,
        ETag: file.etag,
        'Content-Security-Policy': BOARD_CSP,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'X-Frame-Options': 'DENY',
      };
      if (req.headers['if-none-match'] === file.etag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      res.writeHead(200, { ...headers, 'Content-Length': file.body.length });
      res.end(req.method === 'HEAD' ? undefined : file.body);
    },
  };
}
