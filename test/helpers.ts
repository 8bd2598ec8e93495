// Test wiring: a real MCP client talking to a real server, in memory or over a spawned stdio process
// of the built bin. Nothing mocked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DEFAULT_LIMITS, type Limits } from '../src/limits.js';
import { LOCAL_USER, type Identity } from '../src/mission/access.js';
import type { Mode } from '../src/mission/input.js';
import { createServer } from '../src/server.js';
import { selectTools } from '../tools/index.js';
import { openMemoryStore } from '../src/store/index.js';
import type { MissionStore } from '../src/store/types.js';
import type { RunClaim } from '../src/run/agent-caller.js';
import type { ToolDeps } from '../src/tool.js';
import { defaultAgents } from '../src/runner/agents.js';
import { launchView } from '../src/runner/launch-view.js';
import { newImportId, newMissionId, newRunId } from '../src/ids.js';
import { within } from './wait.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const BIN = join(ROOT, 'dist', 'src', 'bin.js');

export interface Harness {
  client: Client;
  close: () => Promise<void>;
}

export interface InMemoryOptions {
  store?: MissionStore;
  identity?: Identity;
  now?: () => Date;
  defaultMode?: Mode;
  limits?: Partial<Limits>;
  readOnly?: boolean;
  newMissionId?: () => string;
  /** Why an agent type could not start here (a warning). */
  agentProblem?: (agentType: 'claude' | 'gemini' | 'codex') => string | undefined;
  /** As if the caller were the agent of this run (the run need not exist). */
  origin?: { runId: string; missionId: string } | null;
  /** How long a request runMission opens waits (24 h). */
  approvalTimeoutMs?: number;
  /** What an agent would get (default: the built-in agents in this folder). */
  launchView?: ToolDeps['launchView'];
  /** The person at the client, for elicitation (a client that can be asked). */
  ask?: ToolDeps['ask'];
  /** As a server started with MISSION_RUN_ID: each call is bound to that run (src/run/agent-caller.ts). */
  runClaim?: RunClaim | null;
  /** How often the server looks for changes by others while a client watches resources. */
  resourcePollMs?: number;
  /** Set up the client (notification handlers) before it connects. */
  beforeConnect?: (client: Client) => void;
}

export function testDeps(options: InMemoryOptions = {}): ToolDeps {
  return {
    store: options.store ?? openMemoryStore(),
    identity: options.identity ?? LOCAL_USER,
    now: options.now ?? (() => new Date()),
    newMissionId: options.newMissionId ?? newMissionId,
    newRunId,
    runClaim: options.runClaim ?? null,
    origin: options.origin ?? null,
    agentProblem: options.agentProblem ?? (() => undefined),
    launchView: options.launchView ?? launchView(defaultAgents(), process.cwd()),
    approvalTimeoutMs: options.approvalTimeoutMs ?? 24 * 3_600_000,
    ...(options.ask ? { ask: options.ask } : {}),
    newImportId,
    defaultMode: options.defaultMode ?? 'full',
    limits: { ...DEFAULT_LIMITS, ...options.limits },
  };
}

export async function connectInMemory(options: InMemoryOptions = {}): Promise<Harness & { deps: ToolDeps }> {
  const deps = testDeps(options);
  const { server } = createServer(deps, { tools: selectTools({ readOnly: options.readOnly }), readOnly: options.readOnly, log: () => undefined, resourcePollMs: options.resourcePollMs });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'missions-test', version: '1.0.0' });
  options.beforeConnect?.(client);
  await server.connect(serverSide);
  await client.connect(clientSide);
  return { client, deps, close: async () => { await client.close(); await server.close(); } };
}

export async function connectStdio(
  args: string[] = [],
  env: Record<string, string> = {},
  beforeConnect?: (client: Client) => void,
): Promise<Harness & { stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, ...args],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'missions-test', version: '1.0.0' });
  beforeConnect?.(client);
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

export interface ToolAnswer<T = any> {
  isError: boolean;
  /** structuredContent on success, the parsed error body on failure. */
  body: T;
  /** The JSON text in content. */
  text: string;
  raw: CallToolResult;
}

export async function call<T = any>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolAnswer<T>> {
  const raw = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const first = raw.content[0];
  const text = first && first.type === 'text' ? first.text : '';
  const body = raw.isError ? JSON.parse(text) : raw.structuredContent;
  return { isError: raw.isError === true, body, text, raw };
}

/** Calls a tool that must succeed; throws with the error body otherwise. */
export async function ok<T = any>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const answer = await call<T>(client, name, args);
  if (answer.isError) throw new Error(`${name} failed: ${answer.text}`);
  return answer.body;
}

export function tempDir(prefix = 'missions-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fixed clock that tests can move. */
export function fixedClock(start: string) {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    set: (iso: string) => (now = new Date(iso)),
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
  };
}

/** Collects notifications of one kind and lets a test wait (30 s at most) for the first that matches. */
export function inbox<T>(timeoutMs = 30_000) {
  const received: T[] = [];
  const waiters: { match: (n: T) => boolean; resolve: (n: T) => void }[] = [];
  return {
    received,
    push(n: T) {
      received.push(n);
      for (const w of [...waiters]) if (w.match(n)) waiters.splice(waiters.indexOf(w), 1), w.resolve(n);
    },
    /** Resolves with the first notification (already received or still to come) that matches; rejects, saying what came, after `timeoutMs`. */
    next(match: (n: T) => boolean = () => true, from = 0): Promise<T> {
      const found = received.slice(from).find(match);
      if (found) return Promise.resolve(found);
      let waiter!: { match: (n: T) => boolean; resolve: (n: T) => void };
      const arrived = new Promise<T>((resolve) => waiters.push((waiter = { match, resolve })));
      const what = () => `a notification matching ${String(match)} (received ${received.length - from} since: ${received.slice(from).slice(-3).map((n) => JSON.stringify(n)).join(', ')})`;
      return within(what, arrived, timeoutMs).finally(() => {
        if (waiters.includes(waiter)) waiters.splice(waiters.indexOf(waiter), 1);
      });
    },
  };
}

const QUERIES = ['get', 'getRun', 'runsOf', 'activeRuns', 'workers', 'ownedBy', 'list', 'due', 'listRuns', 'changesSince', 'counts'] as const;

/** A store whose every question and write fails as `fail` does (fault tests); `overrides` replace single methods. */
export function failingStore(location: string, fail: () => Promise<never>, overrides: Partial<MissionStore> = {}): MissionStore {
  const store = { location, write: fail, readRunOutput: async () => '', close: async () => undefined } as unknown as Record<string, unknown>;
  for (const q of QUERIES) store[q] = fail;
  return Object.assign(store, overrides) as unknown as MissionStore;
}

/** `inner` seen through a counter of calls to one of its methods. */
export function countedStore(inner: MissionStore, method: keyof MissionStore): { store: MissionStore; calls: () => number } {
  let calls = 0;
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (prop === method) calls++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls: () => calls };
}

/**
 * In-memory harnesses that a test file closes after each test, with whatever else it registers
 * (store closes, temp folders): call once at the top of a file.
 */
export function closedAfterEach(afterEach: (fn: () => Promise<void>) => void) {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const harness = async (options: InMemoryOptions = {}) => {
    const h = await connectInMemory(options);
    cleanups.push(h.close);
    return h;
  };
  return { cleanups, harness };
}
