// Where the built board lives. `npm run build` bundles web/ with Vite into dist/web (the page that
// GET / serves: index.html plus hashed assets) and dist/mcp-app (the same board as one HTML file, the
// MCP App). This module runs both from dist/src/board (the package) and from src/board (tests that
// import the TypeScript sources), so it finds dist/ from either place.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const up = resolve(here, '..', '..');
/** The package's dist/ folder. */
export const DIST_DIR = basename(up) === 'dist' ? up : join(up, 'dist');
/** The board's static files, as served at GET /. */
export const WEB_DIR = join(DIST_DIR, 'web');
/** The board as one self-contained HTML file (the MCP App). */
export const MCP_APP_FILE = join(DIST_DIR, 'mcp-app', 'mcp-app.html');

export const NOT_BUILT = 'The mission board was not built: run `npm run build` (it bundles web/ with Vite into dist/web and dist/mcp-app).';

let appHtml: string | undefined;

/** The MCP App's HTML, read once; throws NOT_BUILT when the build has not made it. */
export function mcpAppHtml(): string {
  if (appHtml === undefined) {
    if (!existsSync(MCP_APP_FILE)) throw new Error(NOT_BUILT);
    appHtml = readFileSync(MCP_APP_FILE, 'utf8');
  }
  return appHtml;
}
