// The mission board's front end (web/), bundled by Vite twice: `vite build` makes dist/web, the page
// that GET / serves (index.html plus hashed assets, so that a strict CSP allows only 'self');
// `vite build --mode mcp-app` makes dist/mcp-app/mcp-app.html, the same board with everything inlined
// (the MCP App, read from ui://missions/board). Preact's JSX; nothing is loaded from a CDN.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';

const web = fileURLToPath(new URL('./web/', import.meta.url));
const dist = fileURLToPath(new URL('./dist/', import.meta.url));

export default defineConfig(({ mode }) => {
  const app = mode === 'mcp-app';
  return {
    root: web,
    base: '/',
    logLevel: 'warn',
    publicDir: app ? false : 'public',
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    plugins: app ? [viteSingleFile()] : [],
    build: {
      outDir: `${dist}${app ? 'mcp-app' : 'web'}`,
      emptyOutDir: true,
      target: 'es2022',
      reportCompressedSize: false,
      rollupOptions: {
        input: `${web}${app ? 'mcp-app.html' : 'index.html'}`,
        // zod's sources carry comments that Rollup cannot place; it drops them, which is harmless.
        onwarn: (warning, warn) => (warning.code === 'INVALID_ANNOTATION' ? undefined : warn(warning)),
      },
    },
  };
});
