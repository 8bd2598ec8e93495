// The runner's pure parts: the agents file (defaults, merging, errors that name the path inside the
// file), the prompt text, the bounded output tail, and the tenant filter of a worker (--only-user, --only-org).
import { describe, expect, it } from 'vitest';
import { newMission } from '../src/mission/build.js';
import { CreateMissionInput } from '../src/mission/input.js';
import { newImportId } from '../src/ids.js';
import { AgentsFileError, DEFAULT_COMMANDS, defaultAgents, describeAgents, parseAgents } from '../src/runner/agents.js';
import { OutputTail } from '../src/runner/output-tail.js';
import { promptFor } from '../src/runner/prompt.js';
import { UsageError, resolveConfig } from '../src/config.js';
import { describeOnly } from '../src/run/fair.js';

const mission = (raw: Record<string, unknown>) =>
  newMission(CreateMissionInput.parse(raw), { now: new Date('2026-01-01T00:00:00Z'), newImportId, id: 'msn_AAAAAAAAAAAAAAAAAAAA', owner: { user: 'local', org: null } });

describe('agents file', () => {
  it('built-in defaults: claude -p --mcp-config {mcpConfig}, gemini -p, codex exec, prompt on stdin; 1800 s, 2 retries, 30 s', () => {
    const agents = defaultAgents();
    console.log(`default command lines (the prompt goes on stdin):\n  claude → ${agents.agent('claude').command.join(' ')}\n  gemini → ${agents.agent('gemini').command.join(' ')}\n  codex  → ${agents.agent('codex').command.join(' ')}`);
    expect(agents.agent('claude').command).toEqual(['claude', '-p', '--mcp-config', '{mcpConfig}']);
    expect(agents.agent('gemini').command).toEqual(['gemini', '-p']);
    expect(agents.agent('codex').command).toEqual(['codex', 'exec']);
    expect(DEFAULT_COMMANDS.claude).toEqual(['claude', '-p', '--mcp-config', '{mcpConfig}']);
    for (const t of ['claude', 'gemini', 'codex'] as const) {
      expect(agents.agent(t)).toMatchObject({ timeoutSeconds: 1800, retries: 2, retryDelaySeconds: 30, cwd: null, env: {}, passEnv: [] });
    }
    expect(describeAgents(agents)).toContain('claude → claude -p --mcp-config {mcpConfig}, gemini → gemini -p, codex → codex exec');
  });

  it('a file overrides what it names and keeps the defaults for the rest; spaces map to folders', () => {
    const agents = parseAgents(
      JSON.stringify({ agents: { claude: { timeoutSeconds: 60, env: { A: 'b' } }, codex: { command: ['/opt/codex', 'exec', '--full-auto'], cwd: '/srv/work' } }, spaces: { web: '/srv/web' } }),
      '/etc/agents.json',
    );
    expect(agents.agent('claude')).toMatchObject({ command: ['claude', '-p', '--mcp-config', '{mcpConfig}'], timeoutSeconds: 60, env: { A: 'b' }, retries: 2 });
    expect(agents.agent('codex')).toMatchObject({ command: ['/opt/codex', 'exec', '--full-auto'], cwd: '/srv/work', timeoutSeconds: 1800 });
    expect(agents.folderOf('web')).toBe('/srv/web');
    expect(agents.folderOf('other')).toBeNull();
    expect(agents.folderOf(null)).toBeNull();
  });

  const bad: [string, string, RegExp][] = [
    ['not JSON', '{ agents: ', /is not valid JSON/],
    ['an unknown agent type', '{"agents":{"gpt":{"command":["x"]}}}', /agents(\.gpt)?: .*(claude, gemini, codex|unknown)/],
    ['an unknown field', '{"agents":{"claude":{"comand":["x"]}}}', /agents\.claude: unknown field "comand"/],
    ['an empty command', '{"agents":{"claude":{"command":[]}}}', /agents\.claude\.command: needs at least the program/],
    ['a command as one string', '{"agents":{"claude":{"command":"claude -p"}}}', /agents\.claude\.command: /],
    ['a relative cwd', '{"agents":{"gemini":{"cwd":"work"}}}', /agents\.gemini\.cwd: must be an absolute folder path/],
    ['a negative retry count', '{"agents":{"codex":{"retries":-1}}}', /agents\.codex\.retries: /],
    ['a relative space folder', '{"spaces":{"web":"web"}}', /spaces\.web: must be an absolute folder path/],
    ['an unknown top-level field', '{"agent":{}}', /\(top level\): unknown field "agent"/],
    ['MISSIONS_TOKEN in env', '{"agents":{"claude":{"env":{"MISSIONS_TOKEN":"t"}}}}', /agents\.claude\.env\.MISSIONS_TOKEN: MISSIONS_TOKEN is never given to agents/],
    ['MISSIONS_AUTH_FILE in passEnv', '{"agents":{"claude":{"passEnv":["MISSIONS_AUTH_FILE"]}}}', /agents\.claude\.passEnv\.0: MISSIONS_AUTH_FILE is never given to agents/],
    ['a run variable in env', '{"agents":{"codex":{"env":{"MISSION_RUN_ID":"run_x"}}}}', /agents\.codex\.env\.MISSION_RUN_ID: MISSION_RUN_ID is set by the runner/],
    ['a passEnv entry that is not a name', '{"agents":{"codex":{"passEnv":["A B"]}}}', /agents\.codex\.passEnv\.0: must be an environment variable name/],
  ];
  it.each(bad)('%s is an error naming the file and the path inside it', (_name, text, message) => {
    let error: unknown;
    try {
      parseAgents(text, '/home/me/agents.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AgentsFileError);
    expect((error as Error).message).toContain('/home/me/agents.json');
    expect((error as Error).message).toMatch(message);
  });
});

describe('prompt', () => {
  it('title and goal verbatim; nothing else when brief and plan are empty', () => {
    const m = mission({ title: 'Weekly $(whoami) `id`', goal: 'Line one\n  line two; rm -rf /' });
    expect(promptFor(m)).toBe(`# Mission: Weekly $(whoami) \`id\`\n\nLine one\n  line two; rm -rf /\n`);
  });

  it('brief and plan as readable text when set', () => {
    const m = mission({
      title: 'Outreach',
      goal: 'Write to the leads.',
      brief: { targetAudience: 'CTOs', ctaUrl: 'https://example.com/demo', exampleMessages: ['Hi there'], offer: { name: 'Pilot', summary: 'Two weeks free' } },
      plan: { objectives: ['Grow'], platforms: ['linkedin', 'x'], constraints: { postsPerDay: 2, postingTimes: ['09:00'] }, kpis: [{ metric: 'followers', target: 1000 }] },
    });
    const text = promptFor(m);
    console.log(text);
    expect(text).toContain('## Brief\n- Target audience: CTOs\n- Call-to-action URL: https://example.com/demo\n- Example messages:\n  - Hi there\n- Offer: Pilot');
    expect(text).toContain('## Plan\n- Objectives:\n  - Grow\n- Platforms: linkedin, x\n- Constraints:\n  - Posts per day: 2\n  - Posting times: 09:00');
    expect(text).toContain('- KPI followers: target 1000');
  });
});

describe('output tail', () => {
  it('keeps the last bytes in bounded memory and cuts at a character boundary', () => {
    const tail = new OutputTail(10);
    for (let i = 0; i < 1000; i++) tail.push(Buffer.from('é'.repeat(3)));
    tail.push(Buffer.from('END'));
    const text = tail.text();
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(10);
    expect(text).toBe('éééEND'); // 10 bytes: 'END' and 7 of é (2 bytes each): the half é at the cut is dropped
    const small = new OutputTail(100);
    small.push(Buffer.from('hello'));
    expect(small.text()).toBe('hello');
  });
});

describe('a worker per tenant: --only-user, --only-org', () => {
  it('flags and variables give the filter (a flag wins); blank names are bad usage; the worker says which tenant it serves', () => {
    expect(resolveConfig({}, {}).runner.only).toBeUndefined();
    expect(resolveConfig({ 'only-user': 'alice' }, {}).runner.only).toEqual({ user: 'alice' });
    expect(resolveConfig({}, { MISSIONS_ONLY_ORG: 'acme', MISSIONS_ONLY_USER: 'bob' }).runner.only).toEqual({ user: 'bob', org: 'acme' });
    expect(resolveConfig({ 'only-org': 'globex' }, { MISSIONS_ONLY_ORG: 'acme' }).runner.only).toEqual({ org: 'globex' });
    expect(resolveConfig({}, { MISSIONS_ONLY_USER: '' }).runner.only).toBeUndefined(); // an empty variable counts as unset
    expect(() => resolveConfig({ 'only-user': ' ' }, {})).toThrow(/--only-user \(MISSIONS_ONLY_USER\) must be a user or org name of 1 to 200 characters/);
    expect(() => resolveConfig({ 'only-org': 'x'.repeat(201) }, {})).toThrow(UsageError);
    expect(describeOnly({ user: 'alice', org: 'acme' })).toBe('only the missions of user alice in org acme');
    expect(describeOnly({ org: 'acme' })).toBe('only the missions of org acme');
    expect(describeOnly(undefined)).toBeUndefined();
  });
});
