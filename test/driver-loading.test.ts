// A process whose store is not PostgreSQL never loads the pg driver (issue 20): a stdio server and a
// CLI call on a file store, as the built bin runs them, against a PostgreSQL store that must load it
// (which proves the check can see the driver at all).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir } from './helpers.js';
import { freshDatabase } from './pg/db.js';
import { within } from './wait.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const PRELOAD = join(ROOT, 'test', 'fixtures', 'loaded-modules.cjs');
const isPg = (file: string) => /[\\/]node_modules[\\/]pg(-[a-z]+)?[\\/]/.test(file);
let runs = 0;

const MESSAGES = [
  { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'driver-loading', version: '1' } } },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'listMissions', arguments: {} } },
];

/**
 * A stdio server on `store` that answers an initialize and a listMissions (so the store is opened,
 * described and read), then sees its stdin end and exits: its stdout, and the modules it loaded.
 */
async function serveOnce(store: string): Promise<{ stdout: string; stderr: string; modules: string[] }> {
  const list = join(tmp.dir, `modules-${++runs}.json`);
  const child = spawn(process.execPath, ['--require', PRELOAD, BIN, '--store', store], {
    env: { PATH: process.env.PATH ?? '', HOME: tmp.dir, LOADED_MODULES_FILE: list },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  child.stdin.end(MESSAGES.map((m) => JSON.stringify(m)).join('\n') + '\n');
  try {
    expect(await within(() => `the stdio server to exit; stderr so far:\n${stderr}`, exited)).toBe(0);
  } finally {
    child.kill('SIGKILL'); // only if the wait gave up; a process that exited ignores it
  }
  expect(existsSync(list), `the preload wrote ${list}; stderr:\n${stderr}`).toBe(true);
  return { stdout, stderr, modules: JSON.parse(readFileSync(list, 'utf8')) as string[] };
}

/** The listMissions answer in a server's stdout (proof that the store was read, not just opened). */
const listed = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line.includes('"id":2'))
    .map((line) => JSON.parse(line) as { result?: { structuredContent?: { total?: number } } })[0]?.result?.structuredContent;

describe('the pg driver is loaded only for a PostgreSQL store', () => {
  it('a stdio server on a file store answers from its store without loading pg', async () => {
    const { stdout, stderr, modules } = await serveOnce(join(tmp.dir, 'file.json'));
    expect(listed(stdout), stdout).toMatchObject({ total: 0 });
    expect(stderr).toMatch(/store .*file\.json \(0 missions, 0 runs\)/); // described, the line a server logs
    expect(modules.length).toBeGreaterThan(20); // the preload saw the process's modules
    expect(modules.filter(isPg)).toEqual([]);
  });

  it('a CLI call on a file store does not load pg', () => {
    const list = join(tmp.dir, 'modules-call.json');
    const r = spawnSync(process.execPath, ['--require', PRELOAD, BIN, 'call', 'listMissions', '--store', join(tmp.dir, 'call.json')], {
      env: { PATH: process.env.PATH ?? '', HOME: tmp.dir, LOADED_MODULES_FILE: list },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ total: 0 });
    expect((JSON.parse(readFileSync(list, 'utf8')) as string[]).filter(isPg)).toEqual([]);
  });

  it('a stdio server on a PostgreSQL store loads pg (the check sees the driver)', async () => {
    const { stdout, modules } = await serveOnce(await freshDatabase('driver'));
    expect(listed(stdout), stdout).toMatchObject({ total: 0 });
    expect(modules.filter(isPg).length).toBeGreaterThan(0);
  });
});
