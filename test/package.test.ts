// The package as a user gets it: `npm pack`, a global install into a scratch prefix, the installed
// `missions-mcp` answering --version and tools and serving MCP over stdio to a real SDK client, and
// `npx` running the tarball. Dependencies come from npm's cache (or the registry if it lacks them).
// Slower than the rest (about 10 s), because it really installs.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers.js';

const tmp = tempDir('missions-pack-');
afterAll(() => tmp.cleanup());

const npm = (args: string[], cwd = tmp.dir) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });

let tarball: string;
let files: string[];
let bin: string;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

beforeAll(() => {
  // `npm test` has just built dist/; --ignore-scripts keeps pack from building it again.
  const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp.dir], ROOT));
  tarball = join(tmp.dir, packed.filename);
  files = packed.files.map((f: { path: string }) => f.path);
  npm(['install', '--global', '--prefix', join(tmp.dir, 'prefix'), '--prefer-offline', tarball]);
  bin = join(tmp.dir, 'prefix', process.platform === 'win32' ? '' : 'bin', 'missions-mcp');
}, 120_000);

describe('npm pack', () => {
  it('holds only what the package needs: the built JavaScript, the mission board, the README and package.json', () => {
    expect(files).toContain('dist/src/bin.js');
    expect(files).toContain('dist/tools/index.js');
    expect(files).toContain('README.md');
    // the board (SPEC §14): the page GET / serves, and the same board inlined as the MCP App
    expect(files).toContain('dist/web/index.html');
    expect(files.some((f) => /^dist\/web\/assets\/index-[\w-]+\.js$/.test(f))).toBe(true);
    expect(files).toContain('dist/mcp-app/mcp-app.html');
    const unexpected = files.filter(
      (f) => !/^(dist\/(src|tools)\/.+\.js|dist\/web\/(index\.html|favicon\.svg|assets\/index-[\w-]+\.(js|css))|dist\/mcp-app\/mcp-app\.html|README\.md|package\.json)$/.test(f),
    );
    expect(unexpected).toEqual([]);
    expect(files.some((f) => /^(test|bench|src|tools)\//.test(f) || f.endsWith('.ts') || f.endsWith('.map'))).toBe(false);
  });
});

describe('installed globally', () => {
  const run = (args: string[]) =>
    execFileSync(bin, args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: tmp.dir, XDG_DATA_HOME: join(tmp.dir, 'data') } });

  it('missions-mcp --version and missions-mcp tools', () => {
    expect(run(['--version'])).toBe(`${pkg.version}\n`);
    expect(run(['tools']).trim().split('\n').map((l) => l.split(' ')[0])).toEqual(
      ['createMission', 'getMission', 'listMissions', 'updateMission', 'deleteMission', 'pauseMission', 'resumeMission', 'runMission', 'listRuns', 'getRun', 'decideRun', 'reportProgress'],
    );
  });

  it('serves MCP over stdio to a real client, with its store in the user data folder', async () => {
    const client = new Client({ name: 'package-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({ command: bin, env: { PATH: process.env.PATH ?? '', HOME: tmp.dir, XDG_DATA_HOME: join(tmp.dir, 'data') }, stderr: 'pipe' }),
    );
    expect((await client.listTools()).tools).toHaveLength(12);
    const created = await client.callTool({ name: 'createMission', arguments: { title: 'Installed', goal: 'G', mode: 'compact' } });
    expect(created.isError).toBeFalsy();
    await client.close();
    const stored = JSON.parse(readFileSync(join(tmp.dir, 'data', 'missions-mcp', 'missions.json'), 'utf8'));
    expect(stored.missions.map((m: { title: string }) => m.title)).toEqual(['Installed']);
  });

  it('npx runs the tarball', () => {
    const out = execFileSync('npx', ['--yes', '--package', tarball, 'missions-mcp', '--version'], {
      cwd: tmp.dir,
      encoding: 'utf8',
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_loglevel: 'error' },
    });
    expect(out).toBe(`${pkg.version}\n`);
  });
});
