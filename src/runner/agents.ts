// The agents file (SPEC §12): which command runs each agentType, where, with what environment, and
// how long and how often. argv comes only from here, never from a mission. With no file, or for an
// agentType the file leaves out, the built-in defaults apply.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { dottedPath } from '../errors.js';
import { AGENT_TYPES, type AgentType } from '../mission/model.js';
import type { RetryPolicy } from '../run/lifecycle.js';
import { NEVER_PASSED, RUN_VARIABLES } from './agent-env.js';
import { MCP_CONFIG_PLACEHOLDER } from './mcp-config.js';

export interface AgentSpec {
  type: AgentType;
  /** argv: the program and its arguments; the prompt goes on stdin. */
  command: string[];
  cwd: string | null;
  /** Values set in the agent's environment. */
  env: Record<string, string>;
  /** Names of the worker's environment variables the agent gets too (an API key, say); nothing else is inherited. */
  passEnv: string[];
  timeoutSeconds: number;
  retries: number;
  retryDelaySeconds: number;
}

export interface Agents {
  /** The file they came from, or null for the built-in defaults. */
  file: string | null;
  agent(type: AgentType): AgentSpec;
  /** The folder of a space, if the file maps it. */
  folderOf(spaceId: string | null): string | null;
  /** True when the file maps spaces: a mission whose spaceId it does not map is then refused, not run elsewhere. */
  mapsSpaces: boolean;
}

/** Claude Code takes the run's MCP configuration (SPEC §16), so that its agent can report back. */
export const DEFAULT_COMMANDS: Readonly<Record<AgentType, readonly string[]>> = {
  claude: ['claude', '-p', '--mcp-config', MCP_CONFIG_PLACEHOLDER],
  gemini: ['gemini', '-p'],
  codex: ['codex', 'exec'],
};
export const DEFAULT_TIMEOUT_SECONDS = 1800;
export const DEFAULT_RETRIES = 2;
export const DEFAULT_RETRY_DELAY_SECONDS = 30;

const settable = (name: string) => !NEVER_PASSED.includes(name) && !RUN_VARIABLES.includes(name);
const notSettable = (name: string) =>
  NEVER_PASSED.includes(name)
    ? `${name} is never given to agents: an agent reaches missions-mcp through MISSIONS_MCP_CONFIG, acting as its mission's owner`
    : `${name} is set by the runner for each run`;

const AgentEntry = z.strictObject({
  command: z.array(z.string().min(1, 'an empty string is not a program or an argument')).min(1, 'needs at least the program, e.g. ["claude", "-p"]').optional(),
  cwd: z.string().min(1).refine(isAbsolute, 'must be an absolute folder path').optional(),
  env: z.record(z.string().refine(settable, { error: (i) => notSettable(String(i.input)) }), z.string()).optional(),
  passEnv: z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').refine(settable, { error: (i) => notSettable(String(i.input)) }))
    .max(100)
    .optional(),
  timeoutSeconds: z.number().int().min(1).max(7 * 24 * 3600).optional(),
  retries: z.number().int().min(0).max(100).optional(),
  retryDelaySeconds: z.number().int().min(0).max(7 * 24 * 3600).optional(),
});

const AgentsFile = z.strictObject({
  agents: z.partialRecord(z.enum(AGENT_TYPES), AgentEntry).optional(),
  spaces: z.record(z.string(), z.string().min(1).refine(isAbsolute, 'must be an absolute folder path')).optional(),
});
type AgentsFile = z.infer<typeof AgentsFile>;

/** A bad agents file: the message names the file and the path of the fault inside it. */
export class AgentsFileError extends Error {}

export function retryPolicyOf(spec: AgentSpec): RetryPolicy {
  return { retries: spec.retries, retryDelayMs: spec.retryDelaySeconds * 1000 };
}

/** The agents a worker uses: the file's, over the built-in defaults. */
export function agentsFrom(parsed: AgentsFile, file: string | null): Agents {
  const specs = new Map<AgentType, AgentSpec>();
  for (const type of AGENT_TYPES) {
    const e = parsed.agents?.[type] ?? {};
    specs.set(type, {
      type,
      command: [...(e.command ?? DEFAULT_COMMANDS[type])],
      cwd: e.cwd ?? null,
      env: { ...(e.env ?? {}) },
      passEnv: [...(e.passEnv ?? [])],
      timeoutSeconds: e.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      retries: e.retries ?? DEFAULT_RETRIES,
      retryDelaySeconds: e.retryDelaySeconds ?? DEFAULT_RETRY_DELAY_SECONDS,
    });
  }
  const spaces = new Map(Object.entries(parsed.spaces ?? {}));
  return {
    file,
    agent: (type) => specs.get(type)!,
    folderOf: (spaceId) => (spaceId === null ? null : spaces.get(spaceId) ?? null),
    mapsSpaces: spaces.size > 0,
  };
}

export const defaultAgents = (): Agents => agentsFrom({}, null);

/** Parses the text of an agents file; every problem is named by its path inside the file. */
export function parseAgents(text: string, file: string): Agents {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new AgentsFileError(`agents file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const checked = AgentsFile.safeParse(raw);
  if (!checked.success) {
    const problems = checked.error.issues.map((i) => `${dottedPath(i.path) || '(top level)'}: ${issueText(i)}`);
    throw new AgentsFileError(
      `agents file ${file} is not valid: ${problems.join('; ')}. Expected { "agents": { "claude"|"gemini"|"codex": { "command": [...], "cwd", "env", "passEnv", "timeoutSeconds", "retries", "retryDelaySeconds" } }, "spaces": { "<spaceId>": "/abs/folder" } }`,
    );
  }
  return agentsFrom(checked.data, file);
}

function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_key' && issue.path.length > 2) return issue.issues[0]?.message ?? issue.message; // a key of "env"
  if (issue.code === 'invalid_key') return `unknown agent type; use ${AGENT_TYPES.join(', ')}`;
  return issue.message;
}

/** Reads the agents file at `path` (relative to `cwd`), or the defaults when there is none. */
export function loadAgents(path: string | undefined, cwd = process.cwd()): Agents {
  if (path === undefined) return defaultAgents();
  const file = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AgentsFileError(`cannot read agents file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseAgents(text, file);
}

/** One line for the start-up log: which command each agent type runs. */
export function describeAgents(agents: Agents): string {
  const list = AGENT_TYPES.map((t) => `${t} → ${agents.agent(t).command.map(quoteArg).join(' ')}`).join(', ');
  return `${list} (${agents.file ?? 'built-in defaults; --agents FILE to change'})`;
}

export const quoteArg = (a: string): string => (a === MCP_CONFIG_PLACEHOLDER || /^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a));
