// The official MCP conformance suite (@modelcontextprotocol/conformance, server mode) against the built
// bin serving Streamable HTTP at /mcp, at both revisions we serve: every scenario for 2025-11-25 (the
// 2025 sessions, SDK v1) and every scenario for 2026-07-28 (stateless, SDK v2), pending ones included,
// one invocation of the suite's CLI per revision. The suite needs Node 22 (fs.globSync); it and its
// Node 22 come from test/node22, installed on first use (test/node22.ts), while the server under test
// runs on the Node that runs vitest. What fails, and why, is in
// test/conformance-expected-failures.json, one list per revision (scenarios that need the suite's own
// fixture tools, resources or prompts, and at 2025-11-25 two SHOULDs of resumable streams); every other
// check must pass, and every listed one must fail, for the stated reason.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHttp, type HttpServerProcess } from './http-helpers.js';
import { INSTALL_TIMEOUT_MS, node22Tools, type Node22Tools } from './node22.js';
import { ROOT, tempDir } from './helpers.js';

interface ExpectedFailure {
  reason: string;
  failsWith: string;
}
const expectations = JSON.parse(readFileSync(join(ROOT, 'test', 'conformance-expected-failures.json'), 'utf8'));

interface Revision {
  spec: string;
  /** Keyed by scenario, or by `scenario:check-id` for one check (the suite's baseline syntax). */
  expected: Record<string, ExpectedFailure>;
  /** What the issues ask to pass: the scenarios that apply to a server without the suite's fixtures. */
  mustPass: string[];
}

const REVISIONS: Revision[] = [
  {
    spec: '2025-11-25',
    expected: expectations.server,
    mustPass: ['server-initialize', 'server-session-lifecycle', 'ping', 'logging-set-level', 'tools-list', 'resources-list', 'server-sse-multiple-streams', 'dns-rebinding-protection'],
  },
  {
    spec: '2026-07-28',
    expected: expectations['server-2026-07-28'],
    mustPass: [
      'tools-list',
      'resources-list',
      'http-header-validation',
      'dns-rebinding-protection',
      'server-sse-multiple-streams',
      'sep-2164-resource-not-found',
      'input-required-result-unsupported-methods',
      'input-required-result-validate-input',
    ],
  },
];

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  description?: string;
  errorMessage?: string;
}
interface ScenarioResult {
  scenario: string;
  checks: Check[];
  /** FAILURE or WARNING, as the suite's baseline mode counts them. */
  bad: Check[];
  /** The bad checks that no entry of the expected-failures file covers. */
  unexpected: Check[];
}

const message = (c: Check) => `${c.errorMessage ?? ''} ${c.description ?? ''}`.trim();

const tmp = tempDir('missions-conformance-');
let server: HttpServerProcess;
let tools: Node22Tools;

beforeAll(async () => {
  tools = await node22Tools();
  server = await spawnHttp(['--store', join(tmp.dir, 'missions.json')]);
}, INSTALL_TIMEOUT_MS + 60_000);

afterAll(async () => {
  if (server) expect(await server.stop()).toBe(0);
  tmp.cleanup();
});

describe('the Node 22 that runs the suite', () => {
  it('is its own, from test/node22, not the Node that runs the tests, and none is linked into node_modules/.bin', () => {
    expect(tools.nodeVersion.split('.')[0]).toBe('22');
    expect(existsSync(tools.node)).toBe(true);
    expect(process.execPath).not.toBe(tools.node);
    // no `node` bin in the project: every npm script runs on the Node the user has
    expect(existsSync(join(ROOT, 'node_modules', '.bin', 'node'))).toBe(false);
  });
});

for (const { spec, expected, mustPass } of REVISIONS) {
  /** The entry that covers a bad check, if any. */
  const entryFor = (scenario: string, check: Check): string | undefined =>
    expected[scenario] ? scenario : expected[`${scenario}:${check.id}`] ? `${scenario}:${check.id}` : undefined;
  let run: { code: number | null; stdout: string; stderr: string; ms: number };
  let results: ScenarioResult[];

  describe(`the official MCP conformance suite at --spec-version ${spec}`, () => {
    beforeAll(async () => {
      const dir = join(tmp.dir, spec);
      mkdirSync(dir);
      // The suite's own baseline, from our file: with it the suite itself exits 1 on a regression or on
      // a stale entry, besides the finer checks below.
      const baseline = join(dir, 'baseline.yml');
      writeFileSync(baseline, `server:\n${Object.keys(expected).map((s) => `  - ${s}\n`).join('')}`);
      const outDir = join(dir, 'results');
      const args = [tools.suite, 'server', '--url', `${server.origin}/mcp`, '--suite', 'all', '--spec-version', spec, '--expected-failures', baseline, '-o', outDir];
      const started = Date.now();
      run = await new Promise((resolve) => {
        execFile(tools.node, args, { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir }, timeout: 240_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr, ms: Date.now() - started }),
        );
      });
      results = existsSync(outDir)
        ? readdirSync(outDir).sort().map((name) => {
            // server-<scenario>-<ISO time with dashes>
            const scenario = name.replace(/^server-/, '').replace(/-\d{4}-\d\d-\d\dT[\d-]+Z$/, '');
            const checks: Check[] = JSON.parse(readFileSync(join(outDir, name, 'checks.json'), 'utf8'));
            const bad = checks.filter((c) => c.status === 'FAILURE' || c.status === 'WARNING');
            return { scenario, checks, bad, unexpected: bad.filter((c) => !entryFor(scenario, c)) };
          })
        : [];
      const passed = results.filter((r) => r.bad.length === 0);
      const known = results.filter((r) => r.bad.length > 0 && r.unexpected.length === 0);
      const broken = results.filter((r) => r.unexpected.length > 0);
      const counted = (r: ScenarioResult) => r.checks.filter((c) => c.status !== 'INFO' && c.status !== 'SKIPPED').length;
      const line = (r: ScenarioResult) => {
        const ok = r.checks.filter((c) => c.status === 'SUCCESS').length;
        const head = `  ${r.unexpected.length > 0 ? 'FAIL' : r.bad.length > 0 ? 'xfail' : 'pass'}  ${r.scenario} (${ok}/${counted(r)} checks)`;
        if (r.unexpected.length > 0) return `${head}  UNEXPECTED: ${r.unexpected.map((c) => `${c.id}: ${message(c)}`).join('; ')}`;
        if (r.bad.length === 0) return head;
        const entries = [...new Set(r.bad.map((c) => entryFor(r.scenario, c)!))];
        return `${head}  ${entries.map((e) => (e === r.scenario ? expected[e]!.reason : `${e.slice(r.scenario.length + 1)}: ${expected[e]!.reason}`)).join(' | ')}`;
      };
      console.log(
        [
          `conformance ${tools.suiteVersion} (server, --suite all --spec-version ${spec}) on Node ${tools.nodeVersion} against ${server.origin}/mcp: ${run.ms} ms, exit ${run.code}`,
          ...passed.map(line),
          ...known.map(line),
          ...broken.map(line),
          `conformance ${spec}: ${results.length} scenarios: ${passed.length} passed, ${known.length} expected failures, ${broken.length} unexpected failures; ` +
            `checks: ${results.reduce((n, r) => n + r.checks.filter((c) => c.status === 'SUCCESS').length, 0)} passed, ` +
            `${results.reduce((n, r) => n + r.bad.length - r.unexpected.length, 0)} expected failures, ${results.reduce((n, r) => n + r.unexpected.length, 0)} unexpected`,
        ].join('\n'),
      );
    }, 300_000);

    it('ran, in one invocation, every scenario for the revision', () => {
      if (results.length === 0) throw new Error(`the suite produced no results (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
      const ran = results.map((r) => r.scenario);
      for (const scenario of [...mustPass, ...Object.keys(expected).map((e) => e.split(':')[0]!)]) expect(ran, `${scenario} did not run`).toContain(scenario);
    });

    it('passes every check that is not an expected failure, and every check of the scenarios the issues name', () => {
      expect(results.filter((r) => r.unexpected.length > 0).map((r) => `${r.scenario}: ${r.unexpected.map((c) => `${c.id} (${c.status}): ${message(c)}`).join('; ')}`)).toEqual([]);
      for (const scenario of mustPass) {
        expect(Object.keys(expected).some((e) => e.split(':')[0] === scenario), `${scenario} must not hold an expected failure`).toBe(false);
        const result = results.find((r) => r.scenario === scenario)!;
        expect(result.bad, scenario).toEqual([]);
        expect(result.checks.filter((c) => c.status === 'SUCCESS').length, scenario).toBeGreaterThan(0);
      }
    });

    it('fails each expected failure, and only for the reason stated (no stale entries)', () => {
      for (const [entry, { reason, failsWith }] of Object.entries(expected)) {
        expect(reason.length, `${entry} needs a reason`).toBeGreaterThan(20);
        const [scenario, checkId] = entry.split(':') as [string, string | undefined];
        const result = results.find((r) => r.scenario === scenario)!;
        const bad = result.bad.filter((c) => checkId === undefined || c.id === checkId);
        expect(bad.length, `${entry} passes now: remove it from test/conformance-expected-failures.json`).toBeGreaterThan(0);
        for (const check of bad) expect(message(check), entry).toContain(failsWith);
      }
    });

    it('every message we sent validated against the revision\'s wire schema', () => {
      const invalid = results.flatMap((r) => r.checks.filter((c) => c.id === 'wire-schema-valid' && c.status !== 'SUCCESS' && c.status !== 'INFO').map((c) => `${r.scenario}: ${message(c)}`));
      expect(invalid).toEqual([]);
    });

    it("agrees with the suite's own verdict with our baseline (exit 0)", () => {
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    });
  });
}
