// The CLI as a user runs it: the built bin in a child process.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPTIONS } from '../src/config.js';
import { BIN, ROOT, connectStdio, ok, tempDir } from './helpers.js';
import { waitFor, within } from './wait.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: tmp.dir, XDG_DATA_HOME: join(tmp.dir, 'data'), ...env },
    input: '',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('missions-mcp CLI', () => {
  it('--help lists every flag with its environment variable', () => {
    const { code, stdout } = run(['--help']);
    expect(code).toBe(0);
    for (const [flag, option] of Object.entries(OPTIONS)) {
      expect(stdout).toMatch(new RegExp(`--${flag}\\b.*${option.env}`));
    }
    expect(stdout).toContain(join(tmp.dir, 'data', 'missions-mcp', 'missions.json'));
  });

  it('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(run(['--version'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('call: exit 0 with the result JSON, 1 with the error JSON, 2 on bad usage', () => {
    const store = join(tmp.dir, 'cli.json');
    const created = run(['call', 'createMission', '--store', store, '--input-json', '{"title":"CLI","goal":"From the shell"}']);
    expect(created.code).toBe(0);
    const { mission } = JSON.parse(created.stdout);
    expect(mission.title).toBe('CLI');

    const compact = run(['call', 'getMission', '--store', store, '--input-json', JSON.stringify({ id: mission.id }), '--mode', 'compact']);
    expect(JSON.parse(compact.stdout).mission).toEqual({ id: mission.id, title: 'CLI', status: 'pending', goal: 'From the shell' });

    const missing = run(['call', 'getMission', '--store', store, '--input-json', '{"id":"msn_AAAAAAAAAAAAAAAAAAAA"}']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).error.code).toBe('not_found');

    expect(run(['call', 'nope', '--store', store]).code).toBe(2);
    expect(run(['call', 'getMission', '--store', store, '--input-json', '{oops']).code).toBe(2);
    expect(run(['--no-such-flag']).code).toBe(2);
    expect(run(['--output-mode', 'tiny']).code).toBe(2);
    expect(run(['serve'], { MISSIONS_READ_ONLY: 'maybe' }).code).toBe(2);
    const knob = run(['call', 'getMission', '--store', store, '--input-json', '{}'], { MISSIONS_COMPACT_AT_BYTES: 'lots' });
    expect(knob.code).toBe(2);
    expect(knob.stderr).toMatch(/MISSIONS_COMPACT_AT_BYTES must be a whole number/);
  });

  it('call takes its input as the argument after the tool name too; --mode tiny and doubled input are bad usage', () => {
    const store = join(tmp.dir, 'positional.json');
    const created = run(['call', 'createMission', '{"title":"Positional","goal":"G"}', '--store', store, '--mode', 'compact']);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout).mission).toMatchObject({ title: 'Positional', status: 'pending' });
    const tiny = run(['call', 'listMissions', '--store', store, '--mode', 'tiny']);
    expect(tiny).toMatchObject({ code: 2, stdout: '' });
    expect(tiny.stderr).toMatch(/--mode must be full or compact, not "tiny"/);
    const both = run(['call', 'listMissions', '{}', '--input-json', '{}', '--store', store]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/not both/);
    expect(run(['call', 'listMissions', '{}', 'extra', '--store', store]).code).toBe(2);
    expect(run(['call', 'listMissions', '[1]', '--store', store]).stderr).toMatch(/the input after the tool name must be a JSON object/);
  });

  it('tools lists each tool on one line; --read-only hides the tools that write', () => {
    const all = run(['tools']);
    const lines = all.stdout.trim().split('\n');
    expect(lines).toHaveLength(12);
    for (const line of lines) expect(line).toMatch(/^\w+ +\S.*[^.]\.$/); // a name, its first sentence, one full stop
    const readOnly = run(['tools'], { MISSIONS_READ_ONLY: 'true' });
    expect(readOnly.stdout.trim().split('\n').map((l) => l.split(' ')[0])).toEqual(['getMission', 'listMissions', 'listRuns', 'getRun']);
  });

  it('--read-only: call refuses every tool that writes (exit 2) and still runs the readers', () => {
    const store = join(tmp.dir, 'ro.json');
    for (const tool of ['createMission', 'updateMission', 'deleteMission', 'pauseMission', 'resumeMission', 'runMission']) {
      const refused = run(['call', tool, '--read-only', '--store', store, '--input-json', '{}']);
      expect(refused.code, tool).toBe(2);
      expect(refused.stderr).toContain('--read-only');
    }
    expect(run(['call', 'createMission', '--store', store, '--input-json', '{"title":"T","goal":"G"}'], { MISSIONS_READ_ONLY: '1' }).code).toBe(2);
    const listed = run(['call', 'listMissions', '--store', store, '--read-only', '--input-json', '{}']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).total).toBe(0);
  });

  it('schema prints the input and output JSON Schemas of a tool', () => {
    const { code, stdout } = run(['schema', 'createMission']);
    expect(code).toBe(0);
    const schema = JSON.parse(stdout);
    expect(schema.inputSchema.required).toEqual(['title', 'goal']);
    expect(schema.outputSchema.properties.mission).toBeDefined();
  });

  it('serves stdio with nothing but protocol on stdout, logs on stderr, honouring --output-mode and --read-only', async () => {
    const store = join(tmp.dir, 'stdio.json');
    const h = await connectStdio(['--store', store, '--output-mode', 'compact'], { HOME: tmp.dir });
    const { mission } = await ok(h.client, 'createMission', { title: 'Over stdio', goal: 'G' });
    expect(mission.owner).toBeUndefined(); // compact by default
    await h.close();
    expect(h.stderr()).toContain(store);
    expect(existsSync(store)).toBe(true);

    const ro = await connectStdio(['--store', store, '--read-only'], { HOME: tmp.dir });
    expect((await ro.client.listTools()).tools.map((t) => t.name).sort()).toEqual(['getMission', 'getRun', 'listMissions', 'listRuns']);
    await expect(ro.client.callTool({ name: 'createMission', arguments: { title: 'T', goal: 'G' } })).rejects.toThrow(/read-only/);
    expect((await ok(ro.client, 'listMissions', {})).total).toBe(1);
    await ro.close();
    expect(ro.stderr()).toContain(`store ${store} (1 mission, 0 runs)`);
  });

  it('MISSIONS_OUTPUT_MODE sets the default mode; --output-mode wins over it', () => {
    const store = join(tmp.dir, 'env-mode.json');
    const create = (args: string[], env: Record<string, string>) =>
      JSON.parse(run(['call', 'createMission', '--store', store, '--input-json', '{"title":"T","goal":"G"}', ...args], env).stdout).mission;
    expect(create([], { MISSIONS_OUTPUT_MODE: 'compact' }).owner).toBeUndefined();
    expect(create(['--output-mode', 'full'], { MISSIONS_OUTPUT_MODE: 'compact' }).owner).toEqual({ user: 'local', org: null });
    expect(create([], { MISSIONS_OUTPUT_MODE: '' }).owner).toEqual({ user: 'local', org: null }); // empty = unset
  });

  it('SIGTERM ends a stdio server with exit code 0', async () => {
    const child = spawn(process.execPath, [BIN, '--store', join(tmp.dir, 'sigterm.json')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await waitFor('the server to say it serves over stdio', () => stderr.includes('serving over stdio'), { detail: () => stderr });
      child.kill('SIGTERM');
      expect(await within('the server to exit after SIGTERM', exited)).toBe(0);
    } finally {
      child.kill('SIGKILL'); // gone already, unless a wait above gave up
    }
  });

  it('a stdio session writes only JSON-RPC lines to stdout', () => {
    const store = join(tmp.dir, 'raw.json');
    const lines = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'createMission', arguments: { title: 'Raw', goal: 'G' } } },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'getMission', arguments: { id: 'bad' } } },
    ].map((m) => JSON.stringify(m)).join('\n') + '\n';
    const result = spawnSync(process.execPath, [BIN, '--store', store], { input: lines, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: tmp.dir } });
    const out = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    for (const m of out) expect(m.jsonrpc).toBe('2.0');
    // three answers, plus log notifications (the store path, sent once the session is initialized)
    const byId = new Map(out.filter((m) => m.id !== undefined).map((m) => [m.id, m]));
    expect([...byId.keys()].sort()).toEqual([1, 2, 3]);
    expect(out.filter((m) => m.id === undefined).map((m) => m.method)).toEqual(['notifications/message']);
    expect(byId.get(2).result.structuredContent.mission.title).toBe('Raw');
    expect(JSON.parse(byId.get(3).result.content[0].text).error.code).toBe('invalid_request');
    expect(result.stderr).toContain('serving over stdio');
  });
});

describe('a PostgreSQL store that cannot be reached', () => {
  it('answers store_error naming host, port and database and what to do, never the password, and does not crash', () => {
    const { code, stdout, stderr } = run(['call', 'listMissions', '--store', 'postgres://ops:s3cret-pw@127.0.0.1:1/missions']);
    expect(code).toBe(1);
    const out = stdout + stderr;
    expect(out).toContain('store_error');
    expect(out).toMatch(/127\.0\.0\.1:1, database "missions"/);
    expect(out).toMatch(/Check that PostgreSQL is running/);
    expect(out).not.toContain('s3cret-pw');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
