// MCP over stdio with a message line longer than the 10 MB the stdio reader takes: the server says so
// on stderr and exits 1 (it used to exit 0 without a word). Lines just under the limit, and the
// messages after them, are read as usual. A real child process of the built bin.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MAX_STDIO_LINE_BYTES } from '../src/line-limit.js';
import { BIN, tempDir } from './helpers.js';
import { waitFor } from './wait.js';

const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };

const children: ChildProcess[] = [];
const tmp = tempDir();
afterAll(() => tmp.cleanup());
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function start() {
  const child = spawn(process.execPath, [BIN, '--store', join(tmp.dir, 'missions.json')], {
    env: { PATH: process.env.PATH ?? '', HOME: tmp.dir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin!.on('error', () => undefined); // the server may stop reading before we stop writing
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  /** Resolves once stdout holds the answer to request `id`. */
  const answer = async (id: number) => {
    const line = await waitFor(`the answer to request ${id} on stdout`, () => {
      if (child.exitCode !== null && !stdout.includes(`"id":${id}`)) throw new Error(`exited before answering ${id}: ${stderr}`);
      return stdout.split('\n').find((l) => l.includes(`"id":${id}`));
    }, { everyMs: 10, detail: () => `stderr: ${stderr}` });
    return JSON.parse(line);
  };
  const write = (text: string | Buffer) => new Promise<void>((resolve) => child.stdin!.write(text, () => resolve()));
  return { child, exited, answer, write, stdout: () => stdout, stderr: () => stderr };
}

describe('a stdin line over the limit', () => {
  it('is said on stderr, and the server exits 1; stdout carries only protocol', async () => {
    const s = start();
    await s.write(`${JSON.stringify(INIT)}\n`);
    expect((await s.answer(1)).result.serverInfo.name).toBe('missions-mcp');
    // 11 MB without a line end, written while the stream stays open
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    for (let i = 0; i < 11 && s.child.exitCode === null; i++) await s.write(chunk);
    expect(await s.exited).toBe(1);
    expect(s.stderr()).toMatch(new RegExp(`stdin: a message line passed ${MAX_STDIO_LINE_BYTES} bytes`));
    for (const line of s.stdout().split('\n').filter(Boolean)) expect(JSON.parse(line).jsonrpc).toBe('2.0');
  });

  it('a line just under the limit is read, and so is the message after it', async () => {
    const s = start();
    await s.write(`${JSON.stringify(INIT)}\n`);
    await s.answer(1);
    await s.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    // a tools/call whose title is far too long: read whole, and answered as a tool error
    const big = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'createMission', arguments: { title: 'x'.repeat(MAX_STDIO_LINE_BYTES - 200), goal: 'g' } } });
    expect(big.length).toBeLessThan(MAX_STDIO_LINE_BYTES);
    await s.write(`${big}\n${JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'ping' })}\n`);
    const tooLong = await s.answer(2);
    expect(tooLong.result.isError).toBe(true);
    expect(JSON.parse(tooLong.result.content[0].text).error.param).toBe('title');
    expect((await s.answer(3)).result).toEqual({});
    s.child.stdin!.end();
    expect(await s.exited).toBe(0);
  });
});
