// Turns zod issues into SPEC §7 issues: one `{ path, message }` per problem, an unknown field reported
// at its own path with a hint ("did you mean title?"), a missing field said plainly.
import { z } from 'zod';
import { dottedPath, invalidRequest, type Issue } from './errors.js';

/** Fields the server owns: always the same answer, wherever they are sent. */
const SERVER_FIELDS: Record<string, string> = {
  id: 'ids are assigned by the server; to change a mission call updateMission with its id',
  nextRun: 'nextRun is computed by the server and cannot be set',
  lastRun: 'lastRun is computed by the server and cannot be set',
  runCount: 'runCount is computed by the server and cannot be set',
  owner: 'owner is set by the server from your identity and cannot be set',
  createdAt: 'createdAt is set by the server',
  updatedAt: 'updatedAt is set by the server',
  pausedAt: 'pausedAt is set by the server; call pauseMission to pause',
  imports: 'imports is an append-only log: add entries with updateMission { "addImports": [...] }',
};

/** Words an agent may plausibly use for one of our fields; suggested only where that field exists. */
const SYNONYMS: Record<string, string[]> = {
  name: ['title'],
  description: ['goal'],
  instructions: ['goal'],
  prompt: ['goal'],
  emoji: ['icon'],
  space: ['spaceId'],
  agent: ['characterId', 'agentType'],
  agentId: ['characterId'],
  cron: ['schedule'],
  timezone: ['schedule'],
  search: ['query'],
  text: ['query'],
  pageSize: ['limit'],
  page: ['cursor'],
  missionId: ['id'],
  start: ['startsAt'],
  end: ['endsAt'],
  duration: ['durationDays'],
};

/** Edit distance where swapping two neighbours counts as one edit (optimal string alignment). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The keys an object schema allows at `path`, unwrapping optional, nullable, arrays and records. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.ZodType | undefined = schema;
  const unwrap = (n: z.ZodType): z.ZodType => {
    let cur = n;
    for (;;) {
      const def = cur._zod.def as { type: string; innerType?: z.ZodType };
      if ((def.type === 'optional' || def.type === 'nullable' || def.type === 'default') && def.innerType) cur = def.innerType;
      else return cur;
    }
  };
  for (const key of path) {
    if (!node) return [];
    node = unwrap(node);
    const def = node._zod.def as { type: string; element?: z.ZodType; shape?: Record<string, z.ZodType>; valueType?: z.ZodType };
    if (def.type === 'array') node = def.element;
    else if (def.type === 'object') node = def.shape?.[String(key)];
    else if (def.type === 'record') node = def.valueType;
    else return [];
  }
  if (!node) return [];
  const def = unwrap(node)._zod.def as { type: string; shape?: Record<string, z.ZodType> };
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** Fields of a nested object, sent one level too high: say where they belong. */
const NESTED_HOME: Record<string, string> = {
  objectives: 'plan', platforms: 'plan', constraints: 'plan', kpis: 'plan',
  targetAudience: 'brief', desiredAction: 'brief', ctaUrl: 'brief', toneInstructions: 'brief', exampleMessages: 'brief', offer: 'brief',
  type: 'schedule', value: 'schedule', maxRuns: 'schedule', timezone: 'schedule',
  leads: 'stats', contacted: 'stats', replied: 'stats',
};

export function unknownFieldMessage(key: string, allowed: string[]): string {
  const base = `Unknown field "${key}"`;
  const server = SERVER_FIELDS[key];
  if (server) return `${base}: ${server}`;
  const home = NESTED_HOME[key];
  if (home && allowed.includes(home)) return `${base}: it belongs inside ${home}, as { "${home}": { "${key}": … } }`;
  const synonyms = (SYNONYMS[key] ?? []).filter((k) => allowed.includes(k));
  if (synonyms.length > 0) return `${base}: did you mean ${synonyms.map((k) => `"${k}"`).join(' or ')}?`;
  const close = allowed
    .map((k) => ({ k, d: distance(key.toLowerCase(), k.toLowerCase()) }))
    .filter(({ k, d }) => d <= Math.max(1, Math.floor(k.length / 3)))
    .sort((a, b) => a.d - b.d)[0];
  if (close) return `${base}: did you mean "${close.k}"?`;
  return `${base}. Allowed here: ${allowed.join(', ')}`;
}

/** An error map for safeParse: plain words for the common cases, zod's own message otherwise. */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type' && issue.input === undefined) return `Required: expected ${issue.expected}`;
  if (issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) === 1) return 'Must not be empty';
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return `Expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return undefined;
};

type ZodIssue = z.core.$ZodIssue;

/**
 * A failed union ("one status or a list") says only "Invalid input". Report instead the issues of
 * the alternative that got furthest (the deepest path), where they are: `status.1`, not `status`.
 */
function expandUnions(issues: readonly ZodIssue[], prefix: readonly PropertyKey[] = []): ZodIssue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ ...issue, path }];
    const depth = (branch: readonly ZodIssue[]) => Math.max(...branch.map((i) => i.path.length));
    const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
    if (depth(best) > 0) return expandUnions(best, path);
    const message = issue.errors.map((branch) => branch[0]?.message).filter(Boolean).join('; or ');
    return [{ ...issue, path, message: message || issue.message }];
  });
}

export function toIssues(error: z.ZodError, schema: z.ZodType): Issue[] {
  const issues: Issue[] = [];
  for (const issue of expandUnions(error.issues)) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = keysAt(schema, issue.path);
      for (const key of issue.keys) {
        issues.push({ path: dottedPath([...issue.path, key]), message: unknownFieldMessage(key, allowed) });
      }
    } else {
      issues.push({ path: dottedPath(issue.path), message: issue.message });
    }
  }
  return issues;
}

/**
 * Every key named "__proto__" in the arguments (JSON.parse makes it an ordinary key). zod's records skip
 * such a key, so that `stats: { "__proto__": 1 }` or reportProgress's `kpis: { "__proto__": 1 }` would be
 * answered ok and silently dropped; SPEC §7 wants it refused where it was sent.
 */
function protoKeys(value: unknown, path: readonly PropertyKey[] = []): Issue[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === '__proto__'
      ? [{ path: dottedPath([...path, key]), message: '"__proto__" is a name no field, counter or KPI may have; rename it' }]
      : protoKeys(v, [...path, key]),
  );
}

/** Parses tool arguments; throws `invalid_request` listing every problem. */
export function parseArguments<T extends z.ZodType>(schema: T, args: unknown, toolName: string): z.output<T> {
  const result = schema.safeParse(args ?? {}, { error: errorMap });
  const issues = result.success ? [] : toIssues(result.error, schema);
  const proto = protoKeys(args).filter((p) => !issues.some((i) => i.path === p.path)); // strict objects report it already
  if (result.success && proto.length === 0) return result.data;
  throw invalidRequest([...issues, ...proto], `arguments for ${toolName}`);
}
