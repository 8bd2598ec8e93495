// Configuration (SPEC §11): every flag has an environment variable; a flag wins over its variable.
import { parseArgs } from 'node:util';
import type { Mode } from './mission/input.js';
import type { OwnerFilter } from './run/fair.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { defaultStorePath } from './store/paths.js';
import { COOL_DOWN, coolDownMs } from './mission/schedule.js';
import { DEFAULT_APPROVAL_TIMEOUT_MS } from './run/approval.js';

export class UsageError extends Error {}

export interface Config {
  store: string;
  outputMode: Mode;
  transport: 'stdio' | 'http';
  readOnly: boolean;
  /** `MISSIONS_COMPACT_AT_BYTES` (no flag: a tuning knob): journal size that triggers a compaction. */
  compactAtBytes: number | undefined;
  /** Mission size, missions per owner, answer size (issue 9). */
  limits: Limits;
  http: HttpConfig;
  runner: RunnerConfig;
}

/** `missions-mcp run` and `serve --runner` (SPEC §12). */
export interface RunnerConfig {
  /** `serve --runner`: the server process also runs due missions. */
  enabled: boolean;
  /** The agents file, if any (else the built-in agent commands). */
  agentsFile: string | undefined;
  concurrency: number;
  leaseSeconds: number;
  maxDepth: number;
  /** How long an approval request waits for a person before it expires (SPEC §15; default 24 h). */
  approvalTimeoutMs: number;
  /** `run --once`: run what is due now, wait, exit. */
  once: boolean;
  /** `MISSIONS_STOP_GRACE` (no flag: a tuning knob): on SIGTERM, the most a running agent is given to finish (30 s). */
  stopGraceSeconds: number;
  /** `--only-user` / `--only-org`: run only this tenant's missions (a worker per tenant, under its own OS user). */
  only: OwnerFilter | undefined;
}

/** `serve --transport http` (SPEC §9); ignored by stdio and the CLI commands. */
export interface HttpConfig {
  host: string;
  port: number;
  /** Path of the auth file, if any. `MISSIONS_TOKEN` has no flag: a token on a command line shows in `ps`. */
  authFile: string | undefined;
  /** `MISSIONS_TOKEN`, if set and not empty. */
  token: string | undefined;
  /** Extra allowed `Origin` values (exact, e.g. `https://app.example.com`), beside the loopback origins. */
  allowedOrigins: string[];
  /** Extra allowed `Host` names (e.g. `missions.internal`), beside loopback names and the bound address. */
  allowedHosts: string[];
  /** Largest request body in bytes. */
  maxBody: number;
  /** Seconds without a request after which a session is closed; 0 keeps sessions until the client ends them. */
  sessionIdle: number;
  /** Open sessions (Streamable HTTP and SSE together) one principal may hold; beyond: 429. */
  maxSessionsPerPrincipal: number;
  /** Open sessions in all; beyond: 503. */
  maxSessions: number;
}

export const DEFAULT_PORT = 3333;
export const DEFAULT_MAX_BODY = 1024 * 1024;
export const DEFAULT_SESSION_IDLE = 30 * 60;
export const DEFAULT_MAX_SESSIONS_PER_PRINCIPAL = 64;
export const DEFAULT_MAX_SESSIONS = 1000;

/** The options of `serve` (and of `call`, which opens the same store). */
export const OPTIONS = {
  store: { type: 'string', env: 'MISSIONS_STORE', help: 'store file, or postgres://user:pass@host:5432/db (default: a file in the user data folder, see below)' },
  'output-mode': { type: 'string', env: 'MISSIONS_OUTPUT_MODE', help: 'default output mode: full or compact (default full)' },
  transport: { type: 'string', env: 'MISSIONS_TRANSPORT', help: 'stdio (default) or http' },
  'read-only': { type: 'boolean', env: 'MISSIONS_READ_ONLY', help: 'offer only the tools that change nothing' },
  host: { type: 'string', env: 'MISSIONS_HOST', help: 'http: address to listen on (default 127.0.0.1)' },
  port: { type: 'string', env: 'MISSIONS_PORT', help: 'http: port (default 3333; 0 picks a free one)' },
  'auth-file': { type: 'string', env: 'MISSIONS_AUTH_FILE', help: 'http: JSON file of bearer tokens with user and org' },
  'allowed-origins': { type: 'string', env: 'MISSIONS_ALLOWED_ORIGINS', help: 'http: extra allowed Origin values, comma-separated' },
  'allowed-hosts': { type: 'string', env: 'MISSIONS_ALLOWED_HOSTS', help: 'http: extra allowed Host names, comma-separated' },
  'max-body': { type: 'string', env: 'MISSIONS_MAX_BODY', help: 'http: largest request body: bytes, or 512kb, 2mb (default 1mb)' },
  'session-idle': { type: 'string', env: 'MISSIONS_SESSION_IDLE', help: 'http: close sessions idle this many seconds (default 1800; 0 never)' },
  'max-sessions-per-principal': { type: 'string', env: 'MISSIONS_MAX_SESSIONS_PER_PRINCIPAL', help: 'http: open sessions per caller; more get 429 (default 64)' },
  'max-sessions': { type: 'string', env: 'MISSIONS_MAX_SESSIONS', help: 'http: open sessions in all; more get 503 (default 1000)' },
  runner: { type: 'boolean', env: 'MISSIONS_RUNNER', help: 'serve: also run due missions in this process' },
  agents: { type: 'string', env: 'MISSIONS_AGENTS', help: 'run: agents file (default: claude -p, gemini -p, codex exec)' },
  concurrency: { type: 'string', env: 'MISSIONS_CONCURRENCY', help: 'run: agents at once per worker (default 2)' },
  lease: { type: 'string', env: 'MISSIONS_LEASE', help: 'run: seconds a claim holds without renewal (default 60)' },
  'max-depth': { type: 'string', env: 'MISSIONS_MAX_DEPTH', help: 'run: deepest chain of missions created by runs that may run (default 3)' },
  'approval-timeout': { type: 'string', env: 'MISSIONS_APPROVAL_TIMEOUT', help: 'run: how long an approval request waits for a person, e.g. 30s, 24h (default 24h)' },
  once: { type: 'boolean', env: 'MISSIONS_ONCE', help: 'run: run what is due now, wait, exit (0 if all succeeded, else 1)' },
  'only-user': { type: 'string', env: 'MISSIONS_ONLY_USER', help: 'run: only the missions this user owns (a worker per tenant)' },
  'only-org': { type: 'string', env: 'MISSIONS_ONLY_ORG', help: 'run: only the missions owned in this org (with --only-user: that user in it)' },
  'max-mission-bytes': { type: 'string', env: 'MISSIONS_MAX_MISSION_BYTES', help: 'largest stored mission, JSON bytes (default 256kb)' },
  'max-missions-per-owner': { type: 'string', env: 'MISSIONS_MAX_MISSIONS_PER_OWNER', help: 'missions one token user+org may keep (default 10000; local user exempt)' },
  'max-answer-bytes': { type: 'string', env: 'MISSIONS_MAX_ANSWER_BYTES', help: 'largest list/get answer, JSON bytes (default 1mb)' },
} as const;

export type OptionName = keyof typeof OPTIONS;

function parseBoolean(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['', '0', 'false', 'no', 'off'].includes(v)) return false;
  throw new UsageError(`${name} must be true or false, not "${value}"`);
}

export function resolveConfig(values: Partial<Record<OptionName, string | boolean>>, env: NodeJS.ProcessEnv): Config {
  const pick = (name: OptionName): string | boolean | undefined => {
    if (values[name] !== undefined) return values[name];
    const raw = env[OPTIONS[name].env];
    if (raw === undefined || raw === '') return undefined;
    return OPTIONS[name].type === 'boolean' ? parseBoolean(OPTIONS[name].env, raw) : raw;
  };
  const outputMode = (pick('output-mode') as string | undefined) ?? 'full';
  if (outputMode !== 'full' && outputMode !== 'compact') {
    throw new UsageError(`--output-mode (MISSIONS_OUTPUT_MODE) must be full or compact, not "${outputMode}"`);
  }
  const transport = (pick('transport') as string | undefined) ?? 'stdio';
  if (transport !== 'stdio' && transport !== 'http') {
    throw new UsageError(`--transport (MISSIONS_TRANSPORT) must be stdio or http, not "${transport}"`);
  }
  return {
    store: (pick('store') as string | undefined) ?? defaultStorePath(env),
    outputMode,
    transport,
    readOnly: (pick('read-only') as boolean | undefined) ?? false,
    compactAtBytes: env.MISSIONS_COMPACT_AT_BYTES ? integer('MISSIONS_COMPACT_AT_BYTES', env.MISSIONS_COMPACT_AT_BYTES, 0, 2 ** 40) : undefined,
    limits: {
      maxMissionBytes: bytes('--max-mission-bytes (MISSIONS_MAX_MISSION_BYTES)', pick('max-mission-bytes') as string | undefined, DEFAULT_LIMITS.maxMissionBytes, 1024),
      maxMissionsPerOwner: Math.max(
        1,
        integer('--max-missions-per-owner (MISSIONS_MAX_MISSIONS_PER_OWNER)', pick('max-missions-per-owner') as string | undefined, DEFAULT_LIMITS.maxMissionsPerOwner, 1e9),
      ),
      maxAnswerBytes: bytes('--max-answer-bytes (MISSIONS_MAX_ANSWER_BYTES)', pick('max-answer-bytes') as string | undefined, DEFAULT_LIMITS.maxAnswerBytes, 4096),
    },
    http: {
      host: (pick('host') as string | undefined) ?? '127.0.0.1',
      port: integer('--port (MISSIONS_PORT)', pick('port') as string | undefined, DEFAULT_PORT, 65_535),
      authFile: pick('auth-file') as string | undefined,
      token: env.MISSIONS_TOKEN === '' ? undefined : env.MISSIONS_TOKEN,
      allowedOrigins: list(pick('allowed-origins') as string | undefined),
      allowedHosts: list(pick('allowed-hosts') as string | undefined),
      maxBody: bytes('--max-body (MISSIONS_MAX_BODY)', pick('max-body') as string | undefined, DEFAULT_MAX_BODY, 1),
      sessionIdle: integer('--session-idle (MISSIONS_SESSION_IDLE)', pick('session-idle') as string | undefined, DEFAULT_SESSION_IDLE, 7 * 24 * 3600),
      maxSessionsPerPrincipal: atLeastOne(
        '--max-sessions-per-principal (MISSIONS_MAX_SESSIONS_PER_PRINCIPAL)',
        pick('max-sessions-per-principal') as string | undefined,
        DEFAULT_MAX_SESSIONS_PER_PRINCIPAL,
      ),
      maxSessions: atLeastOne('--max-sessions (MISSIONS_MAX_SESSIONS)', pick('max-sessions') as string | undefined, DEFAULT_MAX_SESSIONS),
    },
    runner: {
      enabled: (pick('runner') as boolean | undefined) ?? false,
      agentsFile: pick('agents') as string | undefined,
      concurrency: atLeastOne('--concurrency (MISSIONS_CONCURRENCY)', pick('concurrency') as string | undefined, 2, 256),
      leaseSeconds: atLeastOne('--lease (MISSIONS_LEASE)', pick('lease') as string | undefined, 60, 24 * 3600),
      maxDepth: integer('--max-depth (MISSIONS_MAX_DEPTH)', pick('max-depth') as string | undefined, 3, 100),
      approvalTimeoutMs: duration('--approval-timeout (MISSIONS_APPROVAL_TIMEOUT)', pick('approval-timeout') as string | undefined, DEFAULT_APPROVAL_TIMEOUT_MS),
      once: (pick('once') as boolean | undefined) ?? false,
      stopGraceSeconds: integer('MISSIONS_STOP_GRACE', env.MISSIONS_STOP_GRACE || undefined, 30, 3600),
      only: ownerFilter(pick('only-user') as string | undefined, pick('only-org') as string | undefined),
    },
  };
}

function integer(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const v = raw.trim();
  if (!/^\d+$/.test(v) || Number(v) > max) throw new UsageError(`${name} must be a whole number from 0 to ${max}, not "${raw}"`);
  return Number(v);
}

/** A duration as schedules write it ("30s", "5m", "24h", "7d"), from 1 s to 365 days. */
function duration(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const v = raw.trim();
  if (!COOL_DOWN.test(v) || coolDownMs(v) > 365 * 86_400_000) throw new UsageError(`${name} must be a duration such as 30s, 5m, 24h or 7d (at most 365d), not "${raw}"`);
  return coolDownMs(v);
}

function atLeastOne(name: string, raw: string | undefined, fallback: number, max = 1_000_000): number {
  if (raw === undefined) return fallback;
  const v = raw.trim();
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) throw new UsageError(`${name} must be a whole number from 1 to ${max}, not "${raw}"`);
  return Number(v);
}

/** A size in bytes, or with kb / mb, from `min` bytes to 64mb. */
function bytes(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const m = /^(\d+)\s*(b|kb?|mb?)?$/i.exec(raw.trim());
  const unit = m?.[2]?.toLowerCase()[0];
  const value = m ? Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : 1) : NaN;
  if (!(value >= min) || value > 64 * 1024 * 1024) {
    const least = min === 1 ? '1 byte' : `${min} bytes`;
    throw new UsageError(`${name} must be a size from ${least} to 64mb, such as 1048576, 512kb or 2mb, not "${raw}"`);
  }
  return value;
}

/** `--only-user` / `--only-org`, as given (names are matched exactly; a blank one is a mistake). */
function ownerFilter(user: string | undefined, org: string | undefined): OwnerFilter | undefined {
  for (const [name, value] of [['--only-user (MISSIONS_ONLY_USER)', user], ['--only-org (MISSIONS_ONLY_ORG)', org]] as const) {
    if (value !== undefined && (value.trim() === '' || value.length > 200)) {
      throw new UsageError(`${name} must be a user or org name of 1 to 200 characters, as the auth file spells it, not "${value.slice(0, 40)}"`);
    }
  }
  if (user === undefined && org === undefined) return undefined;
  return { ...(user !== undefined && { user }), ...(org !== undefined && { org }) };
}

function list(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export interface ParsedCommand {
  command: string | undefined;
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

/** Parses argv for every command; unknown flags are usage errors. */
export function parseCommandLine(argv: string[]): ParsedCommand {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ...Object.fromEntries(Object.entries(OPTIONS).map(([k, o]) => [k, { type: o.type }])),
        'input-json': { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        mode: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
    const [command, ...rest] = positionals;
    return { command, positionals: rest, values };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
