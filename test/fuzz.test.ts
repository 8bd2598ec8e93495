// Issue 3, fuzz: property-based tests (fast-check) over every tool's input, ≥ 10,000 generated cases per
// run. One real MCP client talks in memory to a real server over a real JSON-file store (snapshot +
// journal) in a temp dir, seeded through the tools so that ids exist (for the run tools also runs of all ten
// statuses, made by a worker through the runner's own claim/finish, by hand, and, for missions that need
// approval, requests opened by the runner's claim, decided by decideRun, expired by the worker's sweep with a
// later clock and superseded by an edit; and runs with reports). For every call:
// - the call resolves: no JSON-RPC error (the client also validates structuredContent against outputSchema);
// - the result is one text item holding minified JSON; a success matches the tool's exact output shapes;
// - a rejection is invalid_request, not_found, conflict or (for a caller who is not the local user)
//   forbidden; internal or store_error would be a bug; its `param`, when set, names a place in the input;
// - invalid_request lists issues, `param` is the first path, and every path is non-empty and names a
//   place in the input (or a known field of the schema there: a required field that is missing); every unknown
//   field sent is reported at its own path and named in its message;
// - a case built to be bad in one field is rejected at that field's path; a case built to be valid is not
//   rejected as invalid_request; runMission answers ok or conflict as the mission's status and maxRuns say;
//   listRuns pages are newest first, within their filters and size, hasMore exactly when nextCursor;
// - decideRun and reportProgress (called by alice of acme, beside missions of bob of acme and carol of
//   globex) answer exactly what the run and its mission as they stand say: not_found for a run alice may
//   not see, forbidden for one she may see but not change, then decideRun ok exactly when the run awaits
//   approval without a decision (else conflict), reportProgress ok exactly when the run is running (else
//   conflict), a KPI its mission lacks refused at kpis.<metric>; what they answer and store is what was asked;
// - a rejected call of any code leaves the snapshot and the journal byte-identical, untouched (inode, size,
//   mtime), and leaves no lock or temp file behind.
// Inputs mix (a) valid arguments built from the field rules, (b) valid arguments with one field made bad,
// and (c) arbitrary JSON objects, some over the real field names. Arguments are JSON round-tripped, as
// on the wire. The cases come from the run's TEST_SEED (test/random.ts; printed on failure), FUZZ_RUNS sets the
// cases per tool.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LOCAL_USER, tokenPrincipal, type Identity } from '../src/mission/access.js';
import { Mission } from '../src/mission/model.js';
import { CompactListItem, CompactMission } from '../src/render/compact.js';
import { CompactProgress } from '../src/render/progress.js';
import { CompactRun } from '../src/render/run.js';
import { claim, finish, type Outcome } from '../src/run/lifecycle.js';
import { RUN_STATUSES, RunRecord, isOpenRun } from '../src/run/model.js';
import { claimMission, expireRequests, finishRun } from '../src/runner/store-ops.js';
import { openJsonFileStore, type JournalStore } from '../src/store/index.js';
import { keysAt } from '../src/validation.js';
import { allTools } from '../tools/index.js';
import { connectInMemory, fixedClock, ok, tempDir } from './helpers.js';
import { replayOnFailure, runSeed, seedFor } from './random.js';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got "${raw}"`);
  return value;
}
/** The run's seed (TEST_SEED, see test/random.ts); each tool's property takes its own from it. */
const SEED = runSeed();
// 500 per tool: twelve tools and the 200 non-object cases make 6,200 a run; each run draws new cases from its seed, so CI runs add up (CI time, 2 cores).
const RUNS = intFromEnv('FUZZ_RUNS', 500);
const NON_OBJECT_RUNS = 200;
const COMPACT_AT = 256 * 1024;

type Args = Record<string, unknown>;
type Code = 'ok' | 'invalid_request' | 'not_found' | 'conflict' | 'forbidden';
const CODES: readonly Code[] = ['ok', 'invalid_request', 'not_found', 'conflict', 'forbidden'];

/**
 * What a generated case is:
 * - valid: built from the field rules; never invalid_request.
 * - bad: one field made bad for the schema; invalid_request with an issue at `path` (or under it).
 * - rule: schema-valid, but a cross-field rule of create/update forbids it; invalid_request at `path`,
 *   or not_found first when the mission does not exist.
 * - any: arbitrary; only the general properties hold.
 */
type Kind = 'valid' | 'bad' | 'rule' | 'any';
interface Case {
  kind: Kind;
  args: Args;
  path?: string;
}

// --- placeholders resolved at call time ------------------------------------------------------------
// Ids of missions that exist change as the fuzz deletes and creates; cases name them by slot.
const ID = (slot: number) => `\u0000id:${slot}`;
const CURSOR = '\u0000cursor';
const OTHER_CURSOR = '\u0000othercursor';
const POOL = 7;
// Runs that exist (seeded by a worker and by hand, see seedRuns); a slot past the last wraps around.
const RUN = (slot: number) => `\u0000run:${slot}`;
/** A real listRuns cursor, made for other filters (status failed, timed_out or lost). */
const OTHER_RUN_CURSOR = '\u0000otherruncursor';

// --- field values ---------------------------------------------------------------------------------

const nonBlank = (max: number) =>
  fc.oneof(
    { weight: 40, arbitrary: fc.string({ minLength: 1, maxLength: Math.min(max, 40) }).filter((s) => s.trim().length > 0) },
    { weight: 5, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter((s) => s.trim().length > 0 && s.length <= max) },
    // the longest allowed; rarer for goals (20,000 characters), which would make the journal large
    { weight: max > 2_000 ? 1 : 5, arbitrary: fc.constant('x'.repeat(max)) },
  );
const anyText = (max: number) => fc.oneof(nonBlank(max), fc.constantFrom('', '   '));
const statuses = ['pending', 'running', 'paused', 'completed', 'failed', 'archived'] as const;
const mode = fc.constantFrom('full', 'compact');
const emoji = fc.constantFrom('📈', '🎯', '🚀', '🇫🇷', '👩‍💻', '❤️');
const zone = fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Etc/GMT+12', 'utc');
/** The most days each month has (February in a leap year). */
const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const cron = fc.oneof(
  fc.constantFrom('0 9 * * 1-5', '*/15 * * * *', '30 8 1,15 * *', '0 0 29 2 *', '0 12 * JAN-MAR MON', '5 4 * * SUN', '0 2 31 * *', '59 23 * * 0-6'),
  fc
    .tuple(
      fc.oneof(fc.constant('*'), fc.integer({ min: 0, max: 59 }).map(String), fc.integer({ min: 1, max: 30 }).map((n) => `*/${n}`)),
      fc.oneof(fc.constant('*'), fc.integer({ min: 0, max: 23 }).map(String), fc.constant('9-17')),
      fc.oneof(fc.constant('*'), fc.integer({ min: 1, max: 31 }).map(String)),
      fc.oneof(fc.constant('*'), fc.integer({ min: 1, max: 12 }).map(String), fc.constant('FEB')),
      fc.oneof(fc.constant('*'), fc.integer({ min: 0, max: 6 }).map(String), fc.constant('1-5')),
    )
    // A day of the month that its month never has (30 FEB, 31 APR) never matches: refused, so not valid.
    // With a day of the week as well, either matching is enough (cron's rule), so that one is valid.
    .filter(([, , dom, month, dow]) => dow !== '*' || dom === '*' || month === '*' || Number(dom) <= DAYS_IN_MONTH[month === 'FEB' ? 2 : Number(month)]!)
    .map((f) => f.join(' ')),
);
const badCron = fc.constantFrom('0 25 * * *', '60 * * * *', '* * * *', '* * * * * *', 'every day', '', '0 9 * * MOO', '*/0 * * * *', '0 9 32 * *', '0 9 * 13 *', '0 0 31 2 *', '0 0 30 FEB *', '* * 31 4 *');
/**
 * Dates in the forms the schema accepts, mostly near now, some far away.
 * The far range stops where neither an offset nor 3650 days can leave the years 0000–9999 in UTC, so
 * that every "valid" case is valid; the edges themselves (rejected at their path) have their own test.
 */
const isoTime = fc
  .tuple(
    fc.oneof(
      { weight: 6, arbitrary: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T23:59:59Z'), noInvalidDate: true }) },
      { weight: 1, arbitrary: fc.date({ min: new Date('0001-01-02T00:00:00Z'), max: new Date('9989-12-31T23:59:59.999Z'), noInvalidDate: true }) },
    ),
    fc.constantFrom('Z', '+02:00', '-05:30', '.123Z'),
  )
  .map(([d, form]) => {
    const iso = d.toISOString();
    if (form === '.123Z') return iso;
    const base = iso.slice(0, 19);
    return form === 'Z' ? `${base}Z` : `${base}${form}`;
  });
const badIso = fc.constantFrom('2026-12-01', 'tomorrow', '2026-13-01T00:00:00Z', '2026-12-01T09:00:00', '2026-12-01 09:00:00Z', '', '12/01/2026');
const url = fc.constantFrom('https://example.com/offer', 'http://localhost:8080/a?b=c', 'https://ex.am/ple#x');
const badUrl = fc.constantFrom('ftp://example.com', 'example.com', 'https://', 'javascript:alert(1)', 'mailto:a@b.c', '');
const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const counterName = fc.constantFrom('leads', 'contacted', 'replied', 'reportsSent', 'meetings_booked', 'x1');
const count = fc.oneof(fc.nat({ max: 1000 }), fc.constant(Number.MAX_SAFE_INTEGER));
const validMissionId = fc.stringMatching(/^[A-Za-z0-9]{16,24}$/).map((s) => `msn_${s}`);
const badMissionId: unknown[] = ['', 'msn_', 'msn_short', 'abc', 'MSN_AAAAAAAAAAAAAAAAAAAA', 'msn_AAAAAAAAAAAAAAAA!', 'msn_' + 'A'.repeat(65), 5, null, true, [], {}];

// --- valid arguments ------------------------------------------------------------------------------

const schedule = fc.oneof(
  fc.record({ type: fc.constant('cron'), value: cron, timezone: zone, maxRuns: fc.oneof(fc.integer({ min: 1, max: 1_000_000 }), fc.constant(null)) }, { requiredKeys: ['type', 'value'] }),
  fc.record({ type: fc.constant('once'), value: fc.oneof(isoTime, fc.constant(null)), maxRuns: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constantFrom('none', 'continuous'), value: fc.constant(null), timezone: zone, maxRuns: fc.constant(null) }, { requiredKeys: ['type'] }),
);
const offer = fc.record(
  { id: fc.oneof(anyText(128), fc.constant(null)), name: nonBlank(200), summary: fc.oneof(anyText(2000), fc.constant(null)), landingPageUrl: fc.oneof(url, fc.constant(null)) },
  { requiredKeys: ['name'] },
);
const brief = fc.record(
  {
    targetAudience: fc.oneof(anyText(2000), fc.constant(null)),
    desiredAction: fc.oneof(anyText(2000), fc.constant(null)),
    ctaUrl: fc.oneof(url, fc.constant(null)),
    toneInstructions: fc.oneof(anyText(2000), fc.constant(null)),
    exampleMessages: fc.array(nonBlank(2000), { maxLength: 3 }),
    offer: fc.oneof(offer, fc.constant(null)),
  },
  { requiredKeys: [] },
);
const kpi = fc.record(
  { metric: nonBlank(200), target: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)), platform: fc.oneof(anyText(200), fc.constant(null)), current: fc.oneof(fc.integer(), fc.constant(null)) },
  { requiredKeys: ['metric'] },
);
const plan = fc.record(
  {
    objectives: fc.array(nonBlank(2000), { maxLength: 3 }),
    platforms: fc.array(fc.oneof(fc.constantFrom('linkedin', 'x', 'LinkedIn', 'bluesky'), nonBlank(200)), { maxLength: 3 }),
    constraints: fc.record(
      {
        tone: fc.oneof(anyText(200), fc.constant(null)),
        cadence: fc.oneof(anyText(200), fc.constant(null)),
        postsPerDay: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(null)),
        postingTimes: fc.array(hhmm, { maxLength: 4 }),
        timezone: fc.oneof(zone, fc.constant(null)),
        requireApproval: fc.oneof(fc.boolean(), fc.constant(null)),
        budgetCents: fc.oneof(count, fc.constant(null)),
        excludedTopics: fc.array(nonBlank(200), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    ),
    kpis: fc.array(kpi, { maxLength: 3 }),
  },
  { requiredKeys: [] },
);
const stats = fc.dictionary(counterName, fc.oneof(count, fc.constant(null)), { maxKeys: 4 });
/** A window no rule can reject, whatever the mission's current window. */
const window = fc.oneof(
  fc.constant({}),
  fc.record({ durationDays: fc.oneof(fc.integer({ min: 1, max: 3650 }), fc.double({ min: 0.01, max: 3650, noNaN: true })) }),
  fc.tuple(isoTime, fc.integer({ min: 1, max: 3650 })).map(([startsAt, durationDays]) => ({ startsAt, durationDays })),
  fc
    .tuple(isoTime, fc.integer({ min: 60_000, max: 400 * 86_400_000 }))
    .map(([startsAt, ms]) => ({ startsAt, endsAt: new Date(Date.parse(startsAt) + ms).toISOString() }))
    .filter(({ endsAt }) => /^\d{4}-/.test(endsAt)),
  fc.constant({ startsAt: null, endsAt: null }),
  fc.constantFrom({ startsAt: null }, { endsAt: null }),
);
const commonFields = {
  icon: emoji,
  spaceId: fc.oneof(nonBlank(128), fc.constant(null)),
  characterId: fc.oneof(nonBlank(128), fc.constant(null)),
  agentType: fc.constantFrom('claude', 'gemini', 'codex'),
  visibility: fc.constantFrom('private', 'organization', 'public'),
  schedule,
  brief,
  plan,
  stats,
  mode,
};
const validCreate: fc.Arbitrary<Args> = fc
  .tuple(
    fc.record({ title: nonBlank(200), goal: nonBlank(20_000), status: fc.constantFrom('pending', 'paused'), ...commonFields }, { requiredKeys: ['title', 'goal'] }),
    window,
  )
  .map(([fields, w]) => ({ ...fields, ...w }));
const importEntry = fc.record(
  {
    type: nonBlank(200),
    name: fc.oneof(anyText(200), fc.constant(null)),
    date: isoTime,
    count,
    createdCount: count,
    skippedCount: count,
    invalidCount: count,
    sourceUrl: fc.oneof(url, fc.constant(null)),
    context: fc.oneof(anyText(2000), fc.constant(null)),
  },
  { requiredKeys: ['type'] },
);
const existingId = fc.nat({ max: POOL - 1 }).map(ID);
const someId = fc.oneof({ weight: 4, arbitrary: existingId }, { weight: 1, arbitrary: validMissionId });
const validUpdate: fc.Arbitrary<Args> = fc
  .tuple(
    someId,
    fc.record(
      { title: nonBlank(200), goal: nonBlank(20_000), status: fc.constantFrom(...statuses), ...commonFields, addImports: fc.array(importEntry, { minLength: 1, maxLength: 3 }) },
      { requiredKeys: [] },
    ),
    window,
  )
  .map(([id, fields, w]) => ({ id, ...fields, ...w }));
const listFilters = {
  status: fc.oneof(fc.constantFrom(...statuses, 'active'), fc.uniqueArray(fc.constantFrom(...statuses, 'active'), { minLength: 1, maxLength: 7 })),
  agentType: fc.constantFrom('claude', 'gemini', 'codex'),
  visibility: fc.constantFrom('private', 'organization', 'public'),
  spaceId: fc.oneof(fc.constantFrom('space-1', ''), fc.string({ maxLength: 20 })),
  characterId: fc.oneof(fc.constant('char-1'), fc.string({ maxLength: 20 })),
  platform: fc.oneof(fc.constantFrom('linkedin', 'LINKEDIN', 'x'), fc.string({ maxLength: 20 })),
  query: fc.oneof(fc.constantFrom('digest', 'WEBINAR', ' seed '), nonBlank(200)),
  dueBefore: isoTime,
  sort: fc.constantFrom('createdAt', 'updatedAt', 'nextRun', 'title'),
  order: fc.constantFrom('asc', 'desc'),
  limit: fc.integer({ min: 1, max: 100 }),
  mode,
};
const validList: fc.Arbitrary<Args> = fc
  .tuple(fc.record(listFilters, { requiredKeys: [] }), fc.boolean())
  .map(([filters, paged]) => (paged ? { ...filters, cursor: CURSOR } : filters));
const validGet = fc.record({ id: someId, mode }, { requiredKeys: ['id'] });
const validDelete = fc.record({ id: someId, force: fc.boolean() }, { requiredKeys: ['id'] });

// runMission takes what getMission takes; listRuns and getRun name runs and filter them.
const runStatuses = RUN_STATUSES;
const validRunId = fc.stringMatching(/^[A-Za-z0-9]{16,64}$/).map((s) => `run_${s}`);
const badRunId: unknown[] = ['', 'run_', 'run_short', 'abc', 'RUN_AAAAAAAAAAAAAAAA', 'run_AAAAAAAAAAAAAAAA!', 'run_' + 'A'.repeat(65), 'msn_AAAAAAAAAAAAAAAA', ' run_AAAAAAAAAAAAAAAA', 5, null, true, [], {}];
const existingRun = fc.nat({ max: 63 }).map(RUN);
const someRunId = fc.oneof({ weight: 4, arbitrary: existingRun }, { weight: 1, arbitrary: validRunId });
const validGetRun = fc.record({ id: someRunId, mode }, { requiredKeys: ['id'] });
const runStatusFilter = fc.oneof(
  fc.constantFrom(...runStatuses),
  fc.uniqueArray(fc.constantFrom(...runStatuses), { minLength: 1, maxLength: runStatuses.length }),
  fc.array(fc.constantFrom(...runStatuses), { minLength: 1, maxLength: runStatuses.length }), // repeats are allowed
);
const validListRuns: fc.Arbitrary<Args> = fc
  .tuple(fc.record({ missionId: someId, status: runStatusFilter, limit: fc.integer({ min: 1, max: 100 }), mode }, { requiredKeys: [] }), fc.boolean())
  .map(([filters, paged]) => (paged ? { ...filters, cursor: CURSOR } : filters));

// decideRun and reportProgress name a run: mostly one that is open now (for decideRun a request, for
// reportProgress a run in progress, whoever's it is; resolved at call time), else any that exists, else none.
const OPEN_RUN = (slot: number) => `\u0000open:${slot}`;
const runTarget = fc.oneof({ weight: 5, arbitrary: fc.nat({ max: 15 }).map(OPEN_RUN) }, { weight: 3, arbitrary: existingRun }, { weight: 1, arbitrary: validRunId });
const note = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 8 }), fc.constant('n'.repeat(2000)));
const validDecide = fc.record({ id: runTarget, decision: fc.constantFrom('approve', 'reject'), note, mode }, { requiredKeys: ['id', 'decision'] });
/** KPI names: those the seeded missions have (see seedApprovals), others none has, and names every object already has. */
const METRICS = ['followers', 'posts', 'signups', 'replies', 'constructor', 'Followers', 'a.b', 'toString', '__proto__'] as const;
const kpiValue = fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000_000 }), fc.double({ noNaN: true, noDefaultInfinity: true }));
/** Mostly KPIs of the mission of the run the call names (by slot, resolved at call time), else any names. */
const MISSION_KPIS = '\u0000kpis';
const reportKpis = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.tuple(fc.nat({ max: 3 }), kpiValue), { minLength: 1, maxLength: 3 }).map((pairs) => ({ [MISSION_KPIS]: pairs })) },
  { weight: 2, arbitrary: fc.dictionary(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...METRICS) }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) }), kpiValue, { maxKeys: 3 }) },
);
const validReport = fc.record(
  {
    runId: runTarget,
    summary: fc.oneof(nonBlank(4000), fc.constant(' ')),
    kpis: reportKpis,
    progressPercent: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 100, noNaN: true })),
    stage: nonBlank(200),
    costCents: fc.oneof(fc.nat({ max: 500 }), fc.constant(100_000_000)),
  },
  { requiredKeys: ['runId'] },
);
/** runMission also names the missions that need approval (seedApprovals): it opens their requests. */
const APPROVAL = (slot: number) => `\u0000approval:${slot}`;
const validRunMission = fc.record({ id: fc.oneof({ weight: 3, arbitrary: someId }, { weight: 1, arbitrary: fc.nat({ max: 4 }).map(APPROVAL) }), mode }, { requiredKeys: ['id'] });
/** getMission also takes expand: ["progress"], and names the missions whose runs reported (seedApprovals). */
const EXTRA = (slot: number) => `\u0000extra:${slot}`;
const validGetMission = fc.record(
  { id: fc.oneof({ weight: 2, arbitrary: someId }, { weight: 1, arbitrary: fc.nat({ max: 9 }).map(EXTRA) }), expand: fc.constant(['progress']), mode },
  { requiredKeys: ['id'] },
);

// --- one field made bad ---------------------------------------------------------------------------

/**
 * Issue paths as SPEC §7 and the README describe them, written here independently of src/: keys
 * joined with dots, and a key that is empty or holds . [ ] or " written as ["…"] (JSON-quoted).
 */
function renderPath(keys: readonly string[]): string {
  let out = '';
  for (const key of keys) {
    if (key === '' || /[.[\]"]/.test(key)) out += `[${JSON.stringify(key)}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out;
}

function parsePath(path: string): string[] {
  const keys: string[] = [];
  let i = 0;
  while (i < path.length) {
    if (path.startsWith('["', i)) {
      let j = i + 2; // scan the JSON string literal, honouring escapes
      while (j < path.length && path[j] !== '"') j += path[j] === '\\' ? 2 : 1;
      keys.push(JSON.parse(path.slice(i + 1, j + 1)) as string);
      i = j + 2; // past the closing quote and bracket
    } else {
      let j = i;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      keys.push(path.slice(i, j));
      i = j;
    }
    if (path[i] === '.') i++;
  }
  return keys;
}

/** Sets `path` (dotted, or a list of keys) in a copy of `args`, creating objects on the way; undefined deletes. */
function setPath(args: Args, path: string | string[], value: unknown): Args {
  const copy = structuredClone(args);
  const keys = Array.isArray(path) ? path : path.split('.');
  let node: Record<string, unknown> = copy;
  keys.slice(0, -1).forEach((key, i) => {
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = /^\d+$/.test(keys[i + 1]!) ? [] : {};
    node = node[key] as Record<string, unknown>;
  });
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** `rule`: schema-valid, refused by the tool itself (after it has looked up the mission the call names). */
type Mutation = { path: string; value: fc.Arbitrary<unknown>; extra?: Args; kind?: 'rule' };
const m = (path: string, ...values: unknown[]): Mutation => ({ path, value: fc.constantFrom(...values) });
const wrongType = [5, true, [], {}, null];

const missionFieldMutations: Mutation[] = [
  m('icon', 'ab', '🎯🎯', '', '📈 ', 5, null),
  m('spaceId', '', '   ', 'x'.repeat(129), 5, []),
  m('characterId', '', 'x'.repeat(129), false),
  m('agentType', 'gpt', 'Claude', '', null, 1),
  m('visibility', 'secret', 'PUBLIC', null, []),
  m('mode', 'short', 'FULL', '', null, 0),
  m('schedule', null, 'cron', 5, [], '0 9 * * *'),
  m('schedule.type', 'daily', 'CRON', '', null, 3),
  { path: 'schedule.value', value: badCron, extra: { schedule: { type: 'cron' } } },
  m('schedule.value', 5, 'x'.repeat(201), [], {}),
  m('schedule.timezone', 'Mars/Olympus', '+01:00', 'Europe/Paris ', '', 'UTC+1', 5, null, 'x'.repeat(65)),
  m('schedule.maxRuns', 0, -1, 1.5, 1_000_001, '3', true),
  m('brief', null, 'brief', 3, []),
  m('brief.targetAudience', 'x'.repeat(2001), 5, []),
  { path: 'brief.ctaUrl', value: fc.oneof(badUrl, fc.constantFrom(5, 'https://' + 'x'.repeat(2050))) },
  m('brief.exampleMessages', 'hi', [''], [' '], [5], Array(51).fill('m'), null),
  m('brief.offer', 'offer', 5, []),
  { path: 'brief.offer.name', value: fc.constantFrom('', '  ', 5, null, 'x'.repeat(201)), extra: { brief: { offer: { summary: 's' } } } },
  { path: 'brief.offer.landingPageUrl', value: badUrl, extra: { brief: { offer: { name: 'Audit' } } } },
  m('plan', null, [], 'plan'),
  m('plan.objectives', 'grow', [''], [null], Array(51).fill('o')),
  m('plan.platforms', 'x', [''], [7], null),
  m('plan.kpis', 'kpi', [{}], [{ metric: '' }], [{ metric: 'm', target: '1' }], [{ metric: 'm', platform: 5 }], [null], Array(51).fill({ metric: 'm' })),
  m('plan.constraints', null, 'daily', []),
  m('plan.constraints.postingTimes', ['24:00'], ['9:00'], ['09:60'], '09:00', [900], Array(49).fill('09:00')),
  m('plan.constraints.postsPerDay', 1001, -1, 1.5, '3'),
  m('plan.constraints.timezone', 'Nowhere/City', '', 5),
  m('plan.constraints.requireApproval', 'yes', 1, []),
  m('plan.constraints.budgetCents', -1, 0.5, Number.MAX_SAFE_INTEGER + 2, '100'),
  m('plan.constraints.excludedTopics', [''], 'politics', [1]),
  { path: 'startsAt', value: fc.oneof(badIso, fc.constantFrom(5, [], 'x'.repeat(41))) },
  { path: 'endsAt', value: fc.oneof(badIso, fc.constantFrom(true, {})) },
  m('durationDays', 0, -1, 3651, '14', null, Number.MIN_VALUE * -1),
  m('stats', [], 'x', 3),
  m('stats.1bad', 1),
  m('stats.has space', 1),
  m('stats.leads', -1, 1.5, '3', true, Number.MAX_SAFE_INTEGER + 2),
];
const createMutations: Mutation[] = [
  m('title', undefined, '', '   ', 'x'.repeat(201), ...wrongType),
  m('goal', undefined, '', '\n\t', 'g'.repeat(20_001), ...wrongType),
  m('status', 'running', 'archived', 'active', 'bogus', '', null, 1),
  m('stats', null), // updateMission takes stats: null as a reset
  ...missionFieldMutations,
];
const addImportsMutations: Mutation[] = [
  m('addStats', [], 'x', null, { leads: 1.5 }, { 'no space': 1 }, { leads: 2_000_000_000 }),
  m('addImports', [], 'csv', {}, null, Array(51).fill({ type: 'csv' })),
  m('addImports.0', null, 'csv', 5),
  { path: 'addImports.0.type', value: fc.constantFrom(undefined, '', '  ', 5, null, 'x'.repeat(201)), extra: { addImports: [{ type: 'csv' }] } },
  { path: 'addImports.0.count', value: fc.constantFrom(-1, 1.5, '12', null), extra: { addImports: [{ type: 'csv' }] } },
  { path: 'addImports.0.date', value: badIso, extra: { addImports: [{ type: 'csv' }] } },
  { path: 'addImports.0.sourceUrl', value: badUrl, extra: { addImports: [{ type: 'csv' }] } },
  { path: 'addImports.0.importId', value: fc.constantFrom('', '  ', 'x'.repeat(129), 5, null), extra: { addImports: [{ type: 'csv' }] } },
];
const updateMutations: Mutation[] = [
  m('id', undefined, ...badMissionId),
  m('title', '', '   ', 'x'.repeat(201), ...wrongType),
  m('goal', '', 'g'.repeat(20_001), 5, null),
  m('status', 'active', 'bogus', 'Pending', '', null, 2),
  ...missionFieldMutations,
  ...addImportsMutations,
];
const idMutations: Mutation[] = [m('id', undefined, ...badMissionId)];
const listMutations: Mutation[] = [
  m('status', 'bogus', 'Active', '', [], ['active', 'bogus'], ['pending', 5], Array(8).fill('pending'), 5, null),
  m('agentType', 'gpt', null, 1),
  m('visibility', 'everyone', false),
  m('spaceId', 'x'.repeat(129), 5, null),
  m('characterId', 'x'.repeat(129), []),
  m('platform', 'x'.repeat(201), 3),
  m('query', '', '   ', 'q'.repeat(201), 5, null),
  { path: 'dueBefore', value: fc.oneof(badIso, fc.constantFrom(0, null)) },
  m('sort', 'goal', 'CREATEDAT', '', null),
  m('order', 'up', 'ASC', -1),
  m('limit', 0, 101, 1.5, -5, '20', null),
  m('cursor', 'abc', '', 'x'.repeat(1001), 5, null, Buffer.from('{"v":2}').toString('base64url'), Buffer.from('[]').toString('base64url')),
  // A real cursor from another call: made for other filters, sort or order.
  { path: 'cursor', value: fc.constant(OTHER_CURSOR), extra: { sort: 'createdAt', order: 'desc' } },
  m('mode', 'tiny', null),
];
const modeMutation = m('mode', 'short', 'Full', null, 1);
const getRunMutations: Mutation[] = [m('id', undefined, ...badRunId), modeMutation];
const b64 = (json: string) => Buffer.from(json).toString('base64url');
const listRunsMutations: Mutation[] = [
  m('missionId', ...badMissionId),
  m('status', 'bogus', 'Succeeded', 'pending', 'active', '', [], ['succeeded', 'bogus'], ['failed', 5], Array(RUN_STATUSES.length + 1).fill('failed'), 5, null, {}),
  m('limit', 0, 101, 1.5, -5, '20', null, true),
  m('cursor', 'x'.repeat(501), 5, null, [], {}),
  // Strings the schema takes but that are no listRuns cursor: refused at cursor once the mission is found.
  { path: 'cursor', kind: 'rule', value: fc.constantFrom('abc', '', '!!!', b64('{"v":2}'), b64('[]'), b64('{"v":1,"f":"x"}'), b64('{"v":1,"f":1,"s":"a","i":"b"}')) },
  // A real listMissions cursor, and a real listRuns cursor made for other filters.
  { path: 'cursor', kind: 'rule', value: fc.constantFrom(OTHER_CURSOR, OTHER_RUN_CURSOR), extra: { status: 'succeeded' } },
  m('mode', 'tiny', null, 0),
];

const decideMutations: Mutation[] = [
  m('id', undefined, ...badRunId),
  m('decision', undefined, 'approved', 'Approve', 'yes', '', null, true, 1),
  m('note', 'n'.repeat(2001), 5, null, [], {}),
  modeMutation,
];
const reportMutations: Mutation[] = [
  m('runId', undefined, ...badRunId),
  m('summary', '', 's'.repeat(4001), 5, null, []),
  m('kpis', [], 'followers', null, 5, { followers: 'x' }, { followers: null }, { posts: true }, { '': 1 }, { ['k'.repeat(201)]: 1 }, Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]))),
  m('progressPercent', -1, 100.5, 101, '50', null, true),
  m('stage', '', 's'.repeat(201), 5, null),
  m('costCents', -1, 1.5, 100_000_001, '5', null),
];
const getMissionMutations: Mutation[] = [...idMutations, modeMutation, m('expand', 'progress', ['runs'], ['progress', 'progress'], ['PROGRESS'], null, [null])];

/** Top-level names no schema has, and names the server hints about. */
const unknownKey = fc.oneof(
  fc.constantFrom('name', 'description', 'cron', 'nextRun', 'runCount', 'owner', 'imports', 'createdAt', 'pausedAt', 'titel', 'zzz', 'missionId', '__proto__x', 'constructor'),
  fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !k.includes('.') && !/^\d+$/.test(k)),
);
const objectPaths: Record<string, string[]> = {
  createMission: ['', 'schedule', 'brief', 'brief.offer', 'plan', 'plan.constraints', 'plan.kpis.0'],
  updateMission: ['', 'schedule', 'brief', 'brief.offer', 'plan', 'plan.constraints', 'plan.kpis.0', 'addImports.0'],
};
const baseFor: Record<string, Args> = {
  'brief.offer': { brief: { offer: { name: 'Audit' } } },
  'plan.kpis.0': { plan: { kpis: [{ metric: 'followers' }] } },
  'addImports.0': { addImports: [{ type: 'csv' }] },
};

function deepMerge(a: Args, b: Args): Args {
  const out: Args = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur) ? deepMerge(cur as Args, v as Args) : v;
  }
  return out;
}

function mutated(valid: fc.Arbitrary<Args>, mutations: Mutation[], tool: string): fc.Arbitrary<Case> {
  const field = fc
    .tuple(valid, fc.constantFrom(...mutations))
    .chain(([args, mu]) => mu.value.map((value): Case => ({ kind: mu.kind ?? 'bad', path: mu.path, args: setPath(deepMerge(args, mu.extra ?? {}), mu.path, value) })));
  const paths = objectPaths[tool] ?? [''];
  const extraKey = fc.tuple(valid, fc.constantFrom(...paths), unknownKey, fc.jsonValue({ maxDepth: 1 })).map(([args, at, key, value]): Case => {
    const base = deepMerge(args, baseFor[at] ?? {});
    const allowed = keysAt(toolByName(tool).inputSchema, at === '' ? [] : at.split('.'));
    const name = allowed.includes(key) || key === '__proto__' ? `${key}_x` : key;
    const keys = [...(at === '' ? [] : at.split('.')), name];
    return { kind: 'bad', path: renderPath(keys), args: setPath(base, keys, value) };
  });
  return fc.oneof({ weight: 4, arbitrary: field }, { weight: 1, arbitrary: extraKey });
}

/** Schema-valid arguments that a rule of create/update forbids. */
function ruleBroken(valid: fc.Arbitrary<Args>, update: boolean): fc.Arbitrary<Case> {
  const rules: fc.Arbitrary<{ path: string; patch: Args }>[] = [
    fc.tuple(isoTime, fc.integer({ min: 1, max: 30 })).map(([endsAt, durationDays]) => ({ path: 'durationDays', patch: { endsAt, durationDays } })),
    fc.tuple(isoTime, fc.integer({ min: 0, max: 400 * 86_400_000 })).map(([startsAt, back]) => {
      const earlier = new Date(Date.parse(startsAt) - back).toISOString();
      return { path: 'endsAt', patch: { startsAt, endsAt: /^\d{4}-/.test(earlier) ? earlier : startsAt } };
    }),
    fc.constant({ path: 'schedule.value', patch: { schedule: { type: 'cron', value: null } } }),
    fc.constantFrom('none', 'continuous').chain((type) => cron.map((value) => ({ path: 'schedule.value', patch: { schedule: { type, value } } }))),
    cron.map((value) => ({ path: 'schedule.value', patch: { schedule: { type: 'once', value } } })),
  ];
  if (update) {
    rules.push(fc.constant({ path: 'addImports.0.importId', patch: { addImports: [{ importId: 'imp_seed', type: 'csv' }] } }));
    rules.push(fc.constant({ path: 'addImports.1.importId', patch: { addImports: [{ importId: 'imp_twice', type: 'csv' }, { importId: 'imp_twice', type: 'crm' }] } }));
  } else {
    rules.push(fc.constant({ path: 'brief.offer.name', patch: { brief: { offer: { summary: 'no name' } } } }));
  }
  return fc.tuple(valid, fc.oneof(...rules)).map(([args, rule]): Case => {
    const { startsAt: _s, endsAt: _e, durationDays: _d, schedule: _sc, addImports: _a, brief: _b, ...rest } = args;
    return { kind: 'rule', path: rule.path, args: { ...rest, ...rule.patch } };
  });
}

// --- arbitrary JSON ------------------------------------------------------------------------------

const KNOWN_KEYS = [...new Set(allTools.flatMap((t) => keysAt(t.inputSchema, [])))];
function arbitraryJson(tool: string): fc.Arbitrary<Case> {
  const keys = keysAt(toolByName(tool).inputSchema, []);
  const key = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: fc.constantFrom(...KNOWN_KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) });
  const dict = fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }).map((args): Case => ({ kind: 'any', args }));
  // Valid-looking objects with one known field set to anything at all.
  const namesRun = tool === 'getRun' || tool === 'decideRun' || tool === 'reportProgress';
  const oneField = fc.tuple(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }), namesRun ? runTarget : existingId).map(([k, v, id]): Case => ({
    kind: 'any',
    args: {
      ...(keys.includes('id') ? { id } : {}),
      ...(keys.includes('runId') ? { runId: id } : {}),
      ...(keys.includes('decision') ? { decision: 'approve' } : {}),
      ...(keys.includes('title') ? { title: 'T', goal: 'G' } : {}),
      [k]: v,
    },
  }));
  return fc.oneof(dict, oneField);
}

function casesFor(tool: string): fc.Arbitrary<Case> {
  const valid = (args: fc.Arbitrary<Args>) => args.map((a): Case => ({ kind: 'valid', args: a }));
  switch (tool) {
    case 'createMission':
      return fc.oneof(
        { weight: 4, arbitrary: valid(validCreate) },
        { weight: 4, arbitrary: mutated(validCreate, createMutations, tool) },
        { weight: 1, arbitrary: ruleBroken(validCreate, false) },
        { weight: 2, arbitrary: arbitraryJson(tool) },
      );
    case 'updateMission':
      return fc.oneof(
        { weight: 4, arbitrary: valid(validUpdate) },
        { weight: 4, arbitrary: mutated(validUpdate, updateMutations, tool) },
        { weight: 1, arbitrary: ruleBroken(validUpdate, true) },
        { weight: 2, arbitrary: arbitraryJson(tool) },
      );
    case 'listMissions':
      return fc.oneof({ weight: 4, arbitrary: valid(validList) }, { weight: 4, arbitrary: mutated(validList, listMutations, tool) }, { weight: 2, arbitrary: arbitraryJson(tool) });
    case 'deleteMission':
      return fc.oneof(
        { weight: 4, arbitrary: valid(validDelete) },
        { weight: 3, arbitrary: mutated(validDelete, [...idMutations, m('force', 'yes', 1, null, [])], tool) },
        { weight: 2, arbitrary: arbitraryJson(tool) },
      );
    case 'listRuns':
      return fc.oneof({ weight: 4, arbitrary: valid(validListRuns) }, { weight: 4, arbitrary: mutated(validListRuns, listRunsMutations, tool) }, { weight: 2, arbitrary: arbitraryJson(tool) });
    case 'getRun':
      return fc.oneof({ weight: 4, arbitrary: valid(validGetRun) }, { weight: 3, arbitrary: mutated(validGetRun, getRunMutations, tool) }, { weight: 2, arbitrary: arbitraryJson(tool) });
    case 'decideRun':
      return fc.oneof({ weight: 4, arbitrary: valid(validDecide) }, { weight: 3, arbitrary: mutated(validDecide, decideMutations, tool) }, { weight: 2, arbitrary: arbitraryJson(tool) });
    case 'reportProgress':
      return fc.oneof({ weight: 4, arbitrary: valid(validReport) }, { weight: 3, arbitrary: mutated(validReport, reportMutations, tool) }, { weight: 2, arbitrary: arbitraryJson(tool) });
    case 'getMission':
      return fc.oneof({ weight: 4, arbitrary: valid(validGetMission) }, { weight: 3, arbitrary: mutated(validGetMission, getMissionMutations, tool) }, { weight: 2, arbitrary: arbitraryJson(tool) });
    case 'runMission':
      return fc.oneof({ weight: 4, arbitrary: valid(validRunMission) }, { weight: 3, arbitrary: mutated(validGet, [...idMutations, modeMutation], tool) }, { weight: 2, arbitrary: arbitraryJson(tool) });
    default: // pauseMission, resumeMission
      return fc.oneof(
        { weight: 4, arbitrary: valid(validGet) },
        { weight: 3, arbitrary: mutated(validGet, [...idMutations, modeMutation], tool) },
        { weight: 2, arbitrary: arbitraryJson(tool) },
      );
  }
}

function toolByName(name: string) {
  const tool = allTools.find((t) => t.name === name);
  if (!tool) throw new Error(`no tool ${name}`);
  return tool;
}

// --- the store on disk ----------------------------------------------------------------------------

interface OnDisk {
  snapshot: Buffer | null;
  journal: Buffer | null;
  stats: string;
  listing: string;
}

/** Both files' bytes, identities and times, and the folder's names. `known` saves reading bytes whose file did not change. */
function onDisk(file: string, dir: string, known?: OnDisk): OnDisk {
  const read = (p: string) => (existsSync(p) ? readFileSync(p) : null);
  const stat = (p: string) => {
    if (!existsSync(p)) return 'absent';
    const s = statSync(p, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  };
  const stats = `${stat(file)} ${stat(`${file}.journal`)}`;
  // The lock a writer keeps for up to 50 ms after a write comes and goes on its own; a rejected call
  // never takes it (and the harness checks that no lock is left when the store closes).
  const listing = readdirSync(dir).filter((n) => !n.endsWith('.json.lock')).sort().join(',');
  if (known && known.stats === stats && known.listing === listing) return known;
  return { snapshot: read(file), journal: read(`${file}.journal`), stats, listing };
}

const sameBytes = (a: Buffer | null, b: Buffer | null) => (a === null || b === null ? a === b : a.equals(b));

function expectUnchanged(before: OnDisk, after: OnDisk, where: string): void {
  expect(after.listing, `${where} left files behind`).toBe(before.listing);
  expect(after.stats, `${where} touched the store`).toBe(before.stats);
  expect(sameBytes(before.snapshot, after.snapshot), `${where} changed the snapshot`).toBe(true);
  expect(sameBytes(before.journal, after.journal), `${where} changed the journal`).toBe(true);
}

// --- the harness ----------------------------------------------------------------------------------

const SEEDS: { args: Args; then?: string[] }[] = [
  {
    args: {
      title: 'Weekday analytics digest', goal: 'Every weekday at 9:00, summarise yesterday. seed', icon: '📈', spaceId: 'space-1', agentType: 'gemini',
      schedule: { type: 'cron', value: '0 9 * * 1-5', timezone: 'Europe/Paris' }, plan: { platforms: ['linkedin', 'x'] },
    },
  },
  {
    args: {
      title: 'Webinar follow-up', goal: 'Reach out to webinar attendees. seed', visibility: 'organization', schedule: { type: 'continuous' },
      brief: { targetAudience: 'Ops heads', offer: { name: 'Route audit', landingPageUrl: 'https://example.com/audit' } }, stats: { leads: 140 },
    },
  },
  { args: { title: 'Launch post', goal: 'Post once. seed', characterId: 'char-1', schedule: { type: 'once', value: '2026-12-01T09:00:00Z', maxRuns: 1 } } },
  { args: { title: 'Paused campaign', goal: 'Two weeks of content. seed', status: 'paused', schedule: { type: 'cron', value: '*/15 * * * *' }, startsAt: '2026-12-01T08:00:00Z', durationDays: 14 } },
  { args: { title: 'Running job', goal: 'Runs now. seed', schedule: { type: 'continuous', maxRuns: 1_000 } }, then: ['running'] },
  { args: { title: 'Archived', goal: 'Old. seed', agentType: 'codex', visibility: 'public' }, then: ['archived'] },
  { args: { title: 'Done', goal: 'Finished. seed', schedule: { type: 'cron', value: '0 0 1 * *', timezone: 'Asia/Kolkata' } }, then: ['running', 'completed'] },
];

interface Tally {
  cases: number;
  outcomes: Record<Code, number>;
  kinds: Record<Kind, number>;
  note?: string;
  /** Times the journal was folded into a new snapshot during the run. */
  compactions?: number;
}
const tallies: Record<string, Tally> = {};

/** Tools whose harness holds runs of every status (and, for the two that decide and report, other people's missions). */
const RUN_TOOLS = new Set(['runMission', 'listRuns', 'getRun', 'decideRun', 'reportProgress']);
/** Tools whose answer depends on the run the call names and on who calls (runCallAnswer). */
const RUN_CALLS = new Set(['decideRun', 'reportProgress']);
const ALICE = tokenPrincipal('alice', 'acme');
const BOB = tokenPrincipal('bob', 'acme');
const CAROL = tokenPrincipal('carol', 'globex');
/** Who calls in each tool's harness: alice where who may decide or report matters, else the local user. */
const callerOf = (label: string): Identity => (RUN_CALLS.has(label) ? ALICE : LOCAL_USER);
/** Short, so that requests nobody decides expire during the fuzz (each case moves the clock a minute). */
const APPROVAL_TIMEOUT_MS = 2 * 3_600_000;
const WORKER = 'w-fuzz';
const NO_RETRY = { retries: 0, retryDelayMs: 0 };

async function openHarness(label: string) {
  const temp = tempDir(`missions-fuzz-${label}-`);
  const file = join(temp.dir, 'missions.json');
  // A small threshold, so that the journal is folded into the snapshot now and then during the fuzz.
  const store: JournalStore = openJsonFileStore(file, { log: () => undefined, compactAtBytes: COMPACT_AT });
  const clock = fixedClock('2026-11-24T11:00:00Z');
  let missions = 0;
  let imports = 0;
  let runIds = 0;
  const newRunId = () => `run_fuzz${String(++runIds).padStart(12, '0')}`;
  const caller = callerOf(label);
  /** A client of its own server on the same store, the same clock and the same id counters, for `identity`. */
  const connect = async (identity: Identity) => {
    const c = await connectInMemory({ store, identity, now: clock.now, approvalTimeoutMs: APPROVAL_TIMEOUT_MS, newMissionId: () => `msn_fuzz${String(++missions).padStart(16, '0')}` });
    c.deps.newImportId = () => `imp_fuzz${++imports}`;
    c.deps.newRunId = newRunId; // runs opened by hand, and requests runMission opens
    return c;
  };
  const h = await connect(caller);
  await h.client.listTools(); // so that the client validates structuredContent against each outputSchema
  const pool: string[] = [];
  /** Pool ids deleted by the fuzz: they stay in their slot (a case naming it expects not_found) until refilled. */
  const gone = new Set<string>();
  const disk: { last?: OnDisk } = {};
  let seeded = 0;
  const seedMission = async (): Promise<string> => {
    const seed = SEEDS[seeded++ % SEEDS.length]!;
    const id: string = (await ok(h.client, 'createMission', seed.args)).mission.id;
    // Only updateMission's cases use the import (a duplicate importId); one write less elsewhere.
    if (label === 'updateMission') await ok(h.client, 'updateMission', { id, addImports: [{ importId: 'imp_seed', type: 'csv', count: 3 }] });
    for (const status of seed.then ?? []) await ok(h.client, 'updateMission', { id, status });
    return id;
  };
  for (let i = 0; i < POOL; i++) pool.push(await seedMission());
  const otherCursor: string = (await ok(h.client, 'listMissions', { sort: 'title', order: 'asc', limit: 1 })).nextCursor;
  expect(otherCursor).toEqual(expect.any(String));

  /** Output written with each run a worker finished, by run id (a run without one reads ""). */
  const outputs = new Map<string, string>();
  let worked = 0;
  /** What a worker does with a due mission, through the runner's own pure functions: claims it, then finishes the run. */
  const work = async (id: string, outcome: Outcome, output = '') => {
    const run = await store.write(async (view) => {
      const c = claim((await view.get(id))!, await view.runsOf(id), clock.now(), { runId: newRunId(), worker: WORKER, leaseMs: 60_000, maxDepth: 3 });
      if (c.kind !== 'run') throw new Error(`${id} is not due`);
      return { put: [c.change.mission!], runs: c.change.runs, removeRuns: c.change.removeRuns, result: c.run };
    });
    clock.advance(90_000 + 1_000 * worked++);
    await store.write(async (view) => {
      const c = finish(await view.get(id), await view.runsOf(id), run, { ...outcome, outputBytes: Buffer.byteLength(output) }, clock.now(), NO_RETRY);
      return { put: c.mission ? [c.mission] : [], runs: c.runs, removeRuns: c.removeRuns, ...(output && { outputs: { [run.id]: output } }), result: null };
    });
    if (output) outputs.set(run.id, output);
    return run.id;
  };
  /** Runs of the first six statuses and every trigger, made by a worker and by hand, so that getRun and listRuns have real ids and pages. */
  const seedRuns = async () => {
    const [cron, continuous, once, paused, , , done] = pool as [string, string, string, string, string, string, string];
    const runNow = (id: string) => ok(h.client, 'runMission', { id });
    const set = (id: string, status: string) => ok(h.client, 'updateMission', { id, status });
    await runNow(cron);
    await work(cron, { status: 'succeeded', exitCode: 0 }, 'Digest sent to 3 channels.\n');
    await runNow(cron);
    await work(cron, { status: 'failed', exitCode: 2, error: 'the agent exited with code 2' }, `${'line of output '.repeat(150)}\nError: quota exceeded 🚫\n`);
    await runNow(continuous);
    await work(continuous, { status: 'timed_out', signal: 'SIGTERM', error: 'timed out after 1800 s' }, 'partial…');
    await runNow(once);
    await work(once, { status: 'succeeded', exitCode: 0 }); // once, maxRuns 1: completed, its runs used up
    await runNow(done);
    await work(done, { status: 'lost', error: 'worker w-fuzz stopped renewing its lease' });
    await set(cron, 'running'); // by hand: a manual run, closed as succeeded
    await set(cron, 'pending');
    await set(continuous, 'running'); // closed as failed; the mission is failed
    await set(continuous, 'failed');
    await set(paused, 'pending'); // a worker's run cancelled by a pause
    await runNow(paused);
    const claimed = await store.write(async (view) => {
      const c = claim((await view.get(paused))!, await view.runsOf(paused), clock.now(), { runId: newRunId(), worker: WORKER, leaseMs: 60_000, maxDepth: 3 });
      if (c.kind !== 'run') throw new Error('not due');
      return { put: [c.change.mission!], runs: c.change.runs, removeRuns: c.change.removeRuns, result: c.run.id };
    });
    await ok(h.client, 'pauseMission', { id: paused });
    expect((await ok(h.client, 'getRun', { id: claimed })).run.status).toBe('cancelled');
  };

  // --- missions that need approval, and other people's missions ------------------------------------
  const runs: string[] = [];
  /** Missions that need approval: cycle() keeps a request (or a run) open on each. */
  const approvals: string[] = [];
  /** Every mission made outside the pool, and the client of its owner. */
  const extras = new Map<string, Client>();
  const others: { close: () => Promise<void> }[] = [];
  let ended = 0;
  let cycles = 0;
  /** The runner's own claim: starts an approved run, opens a request, or skips a mission that is not due. */
  const claimOf = async (id: string) => {
    const c = await claimMission(store, id, clock.now(), { runId: newRunId(), worker: WORKER, leaseMs: 60_000, maxDepth: 3, launchView: h.deps.launchView, approvalTimeoutMs: APPROVAL_TIMEOUT_MS });
    if (c.run && !runs.includes(c.run.id)) runs.push(c.run.id);
    return c;
  };
  /** A worker's run ends: succeeded, with a line of output. */
  const endRun = async (runId: string) => {
    const output = `run ${runId} done\n`;
    const f = await finishRun(store, runId, WORKER, { status: 'succeeded', exitCode: 0, outputBytes: Buffer.byteLength(output) }, output, clock.now(), NO_RETRY);
    if (f.written) {
      outputs.set(runId, output);
      ended++;
    }
  };
  const create = async (client: Client, args: Args, approval: boolean): Promise<string> => {
    const id: string = (await ok(client, 'createMission', args)).mission.id;
    extras.set(id, client);
    if (approval) approvals.push(id);
    return id;
  };
  const approvalPlan = (kpis: string[], budgetCents: number | null = null) => ({
    constraints: { requireApproval: true, budgetCents },
    kpis: kpis.map((metric, i) => ({ metric, target: 100 * (i + 1) })),
  });
  const expectClaim = async (id: string, kind: string) => {
    const c = await claimOf(id);
    expect(c.kind, `the claim of ${id}`).toBe(kind);
    return c.run!.id;
  };
  /**
   * The four statuses of a request, each the way it comes about (SPEC §15), and runs with reports:
   * - A1 (alice's, needs approval): rejected by decideRun; superseded by an edit; expired by the worker's
   *   sweep with a later clock; approved, started by the claim, reported on, succeeded; then a request open.
   * - A2 (alice's, needs approval): approved and started: running, with a report.
   * - B1/B2 (bob of acme's, for the organization): a request open; a run in progress by hand, with a budget.
   * - C1/C2 (carol of globex's, public: alice sees, may not change) and C3/C4 (carol's, private: alice
   *   does not see them): a request open and a run in progress by hand on each.
   */
  const seedApprovals = async () => {
    const bobs = await connect(BOB);
    const carols = await connect(CAROL);
    others.push(bobs, carols);
    const [bob, carol] = [bobs.client, carols.client];
    const me = h.client;
    const a1 = await create(me, { title: 'Approved digest', goal: 'Post the weekly digest once a person says yes. seed', schedule: { type: 'continuous' }, plan: approvalPlan(['followers', 'posts']) }, true);
    await ok(me, 'decideRun', { id: await expectClaim(a1, 'request'), decision: 'reject', note: 'not this week' });
    clock.advance(61_000); // past the cool-down of the rejected slot
    await expectClaim(a1, 'request');
    await ok(me, 'updateMission', { id: a1, goal: 'Post the weekly digest, with the new numbers, once a person says yes. seed' }); // supersedes it
    await expectClaim(a1, 'request');
    clock.advance(APPROVAL_TIMEOUT_MS + 1_000);
    expect((await expireRequests(store, clock.now())).map((r) => r.status)).toEqual(['expired']);
    clock.advance(61_000);
    const approved = await expectClaim(a1, 'request');
    await ok(me, 'decideRun', { id: approved, decision: 'approve' });
    expect(await expectClaim(a1, 'run')).toBe(approved);
    await ok(me, 'reportProgress', { runId: approved, summary: 'Posted the digest; 12 new followers.', kpis: { followers: 12, posts: 1 }, progressPercent: 25, stage: 'posting', costCents: 40 });
    await endRun(approved);
    clock.advance(61_000);
    await expectClaim(a1, 'request');

    const a2 = await create(me, { title: 'Approved outreach', goal: 'Write to the signups once approved. seed', schedule: { type: 'continuous' }, plan: approvalPlan(['followers', 'signups']) }, true);
    await ok(me, 'decideRun', { id: await expectClaim(a2, 'request'), decision: 'approve', note: 'go' });
    const running = await expectClaim(a2, 'run');
    await ok(me, 'reportProgress', { runId: running, summary: 'Wrote to 10 of 40.', kpis: { signups: 3 }, progressPercent: 25 });

    const org = { visibility: 'organization' };
    const b1 = await create(bob, { title: 'Bob: approved replies', goal: 'Answer replies once approved. seed', ...org, schedule: { type: 'continuous' }, plan: approvalPlan(['replies']) }, true);
    await expectClaim(b1, 'request');
    const b2 = await create(bob, { title: 'Bob: by hand', goal: 'Worked on in a conversation. seed', ...org, plan: { constraints: { budgetCents: 500 }, kpis: [{ metric: 'signups', target: 20 }, { metric: 'constructor', target: 3 }] } }, false);
    await ok(bob, 'updateMission', { id: b2, status: 'running' });
    const [b2run] = await store.runsOf(b2);
    await ok(bob, 'reportProgress', { runId: b2run!.id, summary: 'Four signups so far.', kpis: { signups: 4 }, costCents: 120 });
    for (const [visibility, name] of [['public', 'public'], ['private', 'private']] as const) {
      const c1 = await create(carol, { title: `Carol: approved ${name}`, goal: 'Carol decides these. seed', visibility, schedule: { type: 'continuous' }, plan: approvalPlan(['followers']) }, true);
      await expectClaim(c1, 'request');
      const c2 = await create(carol, { title: `Carol: ${name}, by hand`, goal: 'Carol works on it. seed', visibility, plan: { kpis: [{ metric: 'followers', target: 50 }] } }, false);
      await ok(carol, 'updateMission', { id: c2, status: 'running' });
    }
    if (label !== 'getMission') return;
    // More reported runs than progress keeps (the last 10): worked on by hand twelve times, each run reporting.
    const d = await create(me, { title: 'Reported often', goal: 'Worked on in conversations. seed', plan: { kpis: [{ metric: 'followers', target: 100 }] } }, false);
    for (let i = 1; i <= 12; i++) {
      await ok(me, 'updateMission', { id: d, status: 'running' });
      const open = [...(await store.runsOf(d))].reverse().find(isOpenRun)!;
      await ok(me, 'reportProgress', { runId: open.id, summary: `pass ${i}`, kpis: { followers: 10 * i } });
      await ok(me, 'updateMission', { id: d, status: 'pending' });
      clock.advance(1_000);
    }
    const { progress } = await ok(me, 'getMission', { id: d, expand: ['progress'] });
    expect(progress.kpiProgress[0].history.map((h: { value: number }) => h.value)).toEqual([30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
  };

  /**
   * What a worker and the missions' owners do between cases: the worker's sweep expires what nobody
   * decided in time; on each mission that needs approval, an approved request is started by the claim, a
   * run ends now and then, and a new request opens (by the claim, or by runMission when the slot is not
   * due yet). `want` says what each such mission should hold open afterwards: a request that waits for a
   * person (decideRun's harness), or a run in progress (reportProgress's: its owner approves). In
   * decideRun's harness the worker comes by every third cycle, so that an approved request waits a
   * while for it (deciding it again is a conflict).
   */
  const cycle = async (want: 'request' | 'running', endOne?: string) => {
    await expireRequests(store, clock.now());
    if (endOne) await endRun(endOne);
    const workerComes = want === 'running' || cycles++ % 3 === 0;
    for (const id of approvals) {
      const owner = extras.get(id)!;
      for (let step = 0; step < 6; step++) {
        const open = [...(await store.runsOf(id))].reverse().find(isOpenRun);
        if (want === 'request' ? open?.status === 'awaiting_approval' && !open.decision : open?.status === 'running') break;
        if (!workerComes && open?.decision) break;
        if (open?.status === 'running') {
          await endRun(open.id);
          continue;
        }
        if (open && !open.decision) {
          await ok(owner, 'decideRun', { id: open.id, decision: 'approve' });
          continue;
        }
        if ((await claimOf(id)).kind !== 'skip') continue;
        if ((await store.get(id))?.status !== 'pending') break; // out of play (its budget is spent)
        const made = await ok(owner, 'runMission', { id }); // not due yet: due now, and its request opens
        if (made.approvalRequestId && !runs.includes(made.approvalRequestId)) runs.push(made.approvalRequestId);
      }
    }
  };

  let otherRunCursor = '';
  if (RUN_TOOLS.has(label) || label === 'getMission') {
    await seedRuns();
    await seedApprovals();
    await store.write(() => ({ result: undefined })); // idle before the fuzz (as settle does)
    const all = (await ok(h.client, 'listRuns', { limit: 100 })).runs as { id: string; status: string }[];
    expect(new Set(all.map((r) => r.status))).toEqual(new Set(runStatuses)); // every status exists: pool 4 is still running by hand
    for (const id of [...pool, ...extras.keys()]) runs.push(...(await store.runsOf(id)).map((r) => r.id).filter((r) => !runs.includes(r)));
    otherRunCursor = (await ok(h.client, 'listRuns', { status: ['failed', 'timed_out', 'lost'], limit: 1 })).nextCursor;
    expect(otherRunCursor).toEqual(expect.any(String));
  }
  /**
   * Checks that a fresh store over the same files (another process, a restart) reads every mission and
   * run: while the server still holds them (the journal as written, as after a kill -9), and after it closed.
   */
  const close = async () => {
    const readFresh = async (when: string, live: { size: number; runs: number }) => {
      const fresh = openJsonFileStore(file, { log: () => undefined });
      try {
        const view = await fresh.read();
        expect({ missions: view.size, runs: view.runs.size }, `a fresh store over ${file} reads what the server held, ${when}`).toEqual({ missions: live.size, runs: live.runs });
      } finally {
        await fresh.close();
      }
    };
    try {
      const held = await store.read();
      const live = { size: held.size, runs: held.runs.size };
      await readFresh('while it runs', live);
      await h.close();
      for (const o of others) await o.close();
      await store.close();
      expect(existsSync(`${file}.lock`), 'closing the store lets its lock go').toBe(false);
      await readFresh('after it closed', live);
    } finally {
      temp.cleanup();
    }
  };
  /** Refills deleted slots, several at once: concurrent writes share one journal append. */
  const refill = async () => {
    await Promise.all(pool.map(async (id, slot) => {
      if (gone.has(id)) pool[slot] = await seedMission();
    }));
    gone.clear();
    await settle();
  };
  /**
   * Waits until the store is idle. A write that outgrows the journal folds it into a new snapshot after
   * answering; a write queued behind it (this one changes nothing) runs after that fold.
   */
  const settle = () => store.write(() => ({ result: undefined }));
  return {
    h, store, file, dir: temp.dir, clock, caller, pool, gone, disk, refill, settle, otherCursor, runs, outputs, work, otherRunCursor,
    approvals, extras, cycle, ended: () => ended, toEnd: [] as string[], made: { runMission: 0, reports: 0, cases: 0, changed: false }, close, compactions: () => store.stats.compactions,
  };
}
type Fixture = Awaited<ReturnType<typeof openHarness>>;

/** Replaces the placeholders: ids of missions and runs that exist now, cursors from a real first page. */
async function resolve(fx: Fixture, tool: string, args: Args): Promise<Args> {
  // Open runs, whoever's: for decideRun the requests, for reportProgress the runs in progress.
  const open = JSON.stringify(args).includes('\\u0000open:')
    ? (await fx.store.activeRuns()).filter((r) => r.status === (tool === 'decideRun' ? 'awaiting_approval' : 'running')).map((r) => r.id).sort()
    : [];
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string' && v.startsWith('\u0000open:')) return open.length ? open[Number(v.slice(6)) % open.length] : fx.runs[0];
    if (typeof v === 'string' && v.startsWith('\u0000approval:')) return fx.approvals[Number(v.slice(10)) % fx.approvals.length];
    if (typeof v === 'string' && v.startsWith('\u0000extra:')) return [...fx.extras.keys()][Number(v.slice(7)) % fx.extras.size];
    if (typeof v === 'string' && v.startsWith('\u0000id:')) return fx.pool[Number(v.slice(4))];
    if (typeof v === 'string' && v.startsWith('\u0000run:')) return fx.runs[Number(v.slice(5)) % fx.runs.length];
    if (typeof v === 'string' && v === OTHER_CURSOR) return fx.otherCursor;
    if (typeof v === 'string' && v === OTHER_RUN_CURSOR) return fx.otherRunCursor;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const out = walk(args) as Args;
  const slots = (out.kpis as Record<string, unknown> | undefined)?.[MISSION_KPIS] as [number, number][] | undefined;
  if (slots) {
    const run = typeof out.runId === 'string' ? await fx.store.getRun(out.runId) : undefined;
    const metrics = (run && (await fx.store.get(run.missionId))?.plan.kpis.map((k) => k.metric)) || [];
    out.kpis = Object.fromEntries(metrics.length ? slots.map(([slot, value]) => [metrics[slot % metrics.length]!, value]) : []);
  }
  if (out.cursor === CURSOR) {
    const { cursor: _c, ...rest } = out;
    const first = await fx.h.client.callTool({ name: tool, arguments: { ...rest, limit: 1 } });
    const next = (first.structuredContent as { nextCursor?: string | null } | undefined)?.nextCursor;
    if (next) out.cursor = next;
    else delete out.cursor;
  }
  // As on the wire: JSON only (no undefined, NaN, -0, prototypes).
  return JSON.parse(JSON.stringify(out)) as Args;
}

/**
 * Whether a path names a place in the input: each step a key the input has, or, last, a field the
 * schema knows where the input has an object (a required field that is missing, or one a rule names).
 */
function namesAPlace(schema: Parameters<typeof keysAt>[0], input: unknown, path: string): boolean {
  const keys = parsePath(path);
  if (renderPath(keys) !== path) return false; // not a well-formed path
  let node = input;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (node === null || typeof node !== 'object') return false;
    if (Object.prototype.hasOwnProperty.call(node, key)) {
      node = (node as Record<string, unknown>)[key];
      continue;
    }
    return i === keys.length - 1 && !Array.isArray(node) && keysAt(schema, keys.slice(0, i)).includes(key);
  }
  return true;
}

/** Every key sent where the schema has a strict object but no such field: its dotted path and name. */
function unknownKeys(schema: Parameters<typeof keysAt>[0], value: unknown, path: string[] = []): { path: string; key: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownKeys(schema, v, [...path, String(i)]));
  if (value === null || typeof value !== 'object') return [];
  const allowed = keysAt(schema, path);
  if (allowed.length === 0) return []; // the schema has no object here (a record, a list, a scalar)
  const out: { path: string; key: string }[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (!allowed.includes(key)) out.push({ path: renderPath([...path, key]), key });
    else out.push(...unknownKeys(schema, v, [...path, key]));
  }
  return out;
}

interface Issue {
  path: string;
  message: string;
}

/** Calls one tool with one case and checks every property; returns the outcome. */
async function check(fx: Fixture, tool: string, c: Case): Promise<Code> {
  const schema = toolByName(tool).inputSchema;
  // Between calls, as a worker and the owners would: requests decided or expired are followed by new
  // ones. After a call that changed something, and every tenth case (for the sweep).
  if (RUN_CALLS.has(tool) && (fx.made.changed || ++fx.made.cases % 10 === 0)) {
    await fx.cycle(tool === 'decideRun' ? 'request' : 'running', fx.toEnd.splice(0)[0]);
    await fx.settle();
    fx.made.changed = false;
  }
  const args = await resolve(fx, tool, c.args);
  // The mission (or, for getRun, the run) the call names, and whether it is missing.
  const target = tool === 'listRuns' ? args.missionId : args.id;
  const exists = (id: string) => (tool === 'getRun' ? fx.runs.includes(id) : (fx.pool.includes(id) && !fx.gone.has(id)) || fx.extras.has(id));
  const missing = typeof target === 'string' && !exists(target);
  // runMission's answer depends on the mission as it stands (read without the tools).
  const stood = tool === 'runMission' && typeof target === 'string' && !missing ? await fx.store.get(target) : undefined;
  // decideRun's and reportProgress's depend on the run and its mission as they stand.
  const expected = RUN_CALLS.has(tool) ? await runCallAnswer(fx, tool, args) : undefined;
  const at = fx.clock.now().toISOString();
  const before = (fx.disk.last = onDisk(fx.file, fx.dir, fx.disk.last));
  let raw: CallToolResult;
  try {
    raw = (await fx.h.client.callTool({ name: tool, arguments: args })) as CallToolResult;
  } catch (error) {
    throw new Error(`${tool} answered a protocol error for ${JSON.stringify(args).slice(0, 500)}: ${(error as Error).message}`);
  }
  fx.clock.advance(60_000);
  const where = `${tool} ${JSON.stringify(args).slice(0, 400)}`;
  expect(raw.content, where).toHaveLength(1);
  const item = raw.content[0]!;
  expect(item.type, where).toBe('text');
  const text = item.type === 'text' ? item.text : '';
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(text, where).toBe(JSON.stringify(body)); // minified

  if (!raw.isError) {
    expect(raw.structuredContent, where).toEqual(body);
    expect(toolByName(tool).outputSchema.safeParse(body).success, where).toBe(true);
    const full = (args.mode ?? 'full') === 'full';
    const shape = (value: unknown, schema: { safeParse: (v: unknown) => { success: boolean; error?: unknown } }) => {
      const parsed = schema.safeParse(value);
      expect(parsed.success, `${where}: result does not match the tool's model: ${String(parsed.error)}`).toBe(true);
    };
    if (body.mission) shape(body.mission, full ? Mission.strict() : CompactMission);
    if (Array.isArray(body.missions)) for (const item of body.missions) shape(item, full ? Mission.strict() : CompactListItem);
    // getRun also answers the prompt an open approval request asks about (null when there is none); decideRun does not.
    const fullRunShape = tool === 'getRun' ? RunRecord.extend({ output: z.string(), prompt: z.string().nullable() }) : RunRecord.extend({ output: z.string() });
    if (body.run && tool !== 'reportProgress') shape(body.run, full ? fullRunShape.strict() : CompactRun);
    if (Array.isArray(body.runs)) for (const item of body.runs) shape(item, full ? RunRecord.strict() : CompactRun);
    if (tool === 'getMission') checkProgress(args, body, where);
    if (RUN_TOOLS.has(tool) && !RUN_CALLS.has(tool)) await checkRunAnswer(fx, tool, args, body, where);
    if (expected) {
      expect('ok', `${where} was expected to answer ${expected.code}`).toBe(expected.code);
      await checkRunCall(fx, tool, args, body, expected, at, where);
    }
    expect(c.kind === 'bad' || c.kind === 'rule', `${where} was accepted though built to be bad at ${c.path}`).toBe(false);
    if (stood) expect(runMissionAnswer(stood), `${where} made due a mission ${stood.status} (runs ${stood.schedule.runCount}/${stood.schedule.maxRuns})`).toBe('ok');
    if (!toolByName(tool).annotations.readOnlyHint) await fx.settle();
    // Now and then a worker takes the mission runMission made due, so that its status and runs move on.
    // (Not a mission that needs approval: its request waits for a person.)
    const worked = tool === 'runMission' && !fx.approvals.includes(args.id as string);
    if (worked && (body.mission as { queuedRun?: { trigger: string } | null }).queuedRun?.trigger === 'manual' && fx.made.runMission++ % 3 === 0) {
      const n = fx.runs.length;
      fx.runs.push(await fx.work(args.id as string, n % 2 ? { status: 'succeeded', exitCode: 0 } : { status: 'failed', exitCode: 1, error: 'exit 1' }, n % 4 ? `run ${n}\n` : ''));
      await fx.settle();
    }
    if (RUN_CALLS.has(tool)) fx.made.changed = true;
    // Now and then a worker ends a run that was just reported on (it then answers conflict).
    if (tool === 'reportProgress' && ++fx.made.reports % 5 === 0) fx.toEnd.push(args.runId as string);
    if (tool === 'deleteMission' && fx.pool.includes(args.id as string)) {
      fx.gone.add(args.id as string);
      if (fx.gone.size >= 3) await fx.refill();
    }
    return 'ok';
  }

  // A rejection: the documented shape, a code we can explain, and nothing changed on disk.
  expect(raw.structuredContent, where).toBeUndefined();
  expect(Object.keys(body), where).toEqual(['error']);
  const error = body.error as { code: string; message: string; param?: string; issues?: Issue[] };
  // Only a caller who is not the local user can be forbidden anything.
  const codes = fx.caller.kind === 'local' ? ['invalid_request', 'not_found', 'conflict'] : ['invalid_request', 'not_found', 'conflict', 'forbidden'];
  expect(codes, `${where}: ${text}`).toContain(error.code);
  expect(typeof error.message === 'string' && error.message.length > 0, where).toBe(true);
  expectUnchanged(before, (fx.disk.last = onDisk(fx.file, fx.dir)), where);

  const code = error.code as Code;
  if (code === 'invalid_request') {
    const issues = error.issues;
    expect(Array.isArray(issues) && issues.length > 0, `${where}: ${text}`).toBe(true);
    expect(error.param, where).toBe(issues![0]!.path);
    const unknown = unknownKeys(schema, args);
    for (const issue of issues!) {
      expect(typeof issue.path, where).toBe('string');
      expect(issue.path.length > 0, `${where}: issue without a path: ${JSON.stringify(issue)}`).toBe(true);
      expect(typeof issue.message === 'string' && issue.message.length > 0, where).toBe(true);
      expect(namesAPlace(schema, args, issue.path), `${where}: issue at "${issue.path}", which is neither in the input nor a field there: ${issue.message}`).toBe(true);
      if (issue.message.startsWith('Unknown field')) {
        const sent = unknown.find((u) => u.path === issue.path);
        expect(sent, `${where}: "${issue.path}" reported unknown but is not: ${text}`).toBeDefined();
        expect(issue.message, where).toContain(`"${sent!.key}"`);
      }
    }
    // Every unknown field sent is reported at its path and named.
    for (const { path, key } of unknown) {
      const issue = issues!.find((i) => i.path === path);
      expect(issue, `${where}: unknown field ${path} not reported: ${text}`).toBeDefined();
      expect(issue!.message, where).toContain(`"${key}"`);
    }
  } else {
    expect(error.issues, where).toBeUndefined();
    if (error.param !== undefined) expect(namesAPlace(schema, args, error.param), `${where}: param "${error.param}" names no place in the input: ${text}`).toBe(true);
    if (RUN_CALLS.has(tool)) expect(error.param, `${where}: ${text}`).toBe(tool === 'decideRun' ? 'id' : 'runId');
  }

  // What the run and its mission say (decideRun, reportProgress), and what the case was built to be.
  const expectIssueAt = (path: string) => {
    expect(code, `${where} was built bad at ${path}: ${text}`).toBe('invalid_request');
    const hit = error.issues!.some((i) => i.path === path || i.path.startsWith(`${path}.`) || i.path.startsWith(`${path}[`));
    expect(hit, `${where}: no issue at ${path}: ${text}`).toBe(true);
  };
  if (expected) {
    expect(code, `${where} was expected to answer ${expected.code}: ${text}`).toBe(expected.code);
    if (expected.paths) expect(error.issues!.map((i) => i.path).sort(), `${where}: ${text}`).toEqual([...expected.paths].sort());
    if (c.kind === 'bad') expectIssueAt(c.path!);
  } else if (c.kind === 'valid') {
    expect(code, `${where} was built valid: ${text}`).not.toBe('invalid_request');
    if (typeof target === 'string') expect(code === 'not_found', `${where}: ${text}`).toBe(missing);
    if (tool === 'createMission' || tool === 'listMissions') expect(code, `${where}: ${text}`).toBe('ok');
    // Every status can become pending, and a mission or run that exists can always be read.
    if (['getMission', 'resumeMission', 'getRun', 'listRuns'].includes(tool) && !missing) expect(code, `${where}: ${text}`).toBe('ok');
    if (stood) expect(code, `${where} on a mission ${stood.status} (runs ${stood.schedule.runCount}/${stood.schedule.maxRuns}): ${text}`).toBe(runMissionAnswer(stood));
    if (stood && code === 'conflict') expect(error.message, where).toMatch(['pending', 'completed', 'failed'].includes(stood.status) ? /maxRuns/ : new RegExp(`is ${stood.status}|already running`));
  } else if (c.kind === 'bad' || (c.kind === 'rule' && !missing)) {
    expectIssueAt(c.path!);
  } else if (c.kind === 'rule') {
    expect(code, `${where}: ${text}`).toBe('not_found');
  }
  if (code === 'not_found' && !expected) expect(missing, where).toBe(true);
  return code;
}

const hasProtoKey = (v: unknown): boolean => v !== null && typeof v === 'object' && Object.entries(v).some(([k, x]) => k === '__proto__' || hasProtoKey(x));

/** Who may see and change a mission, as SPEC §9 says (written here, apart from src/mission/access.ts). */
function maySee(m: Mission, who: Identity): boolean {
  if (mayChange(m, who) || m.visibility === 'public') return true;
  return m.visibility === 'organization' && m.owner.org !== null && m.owner.org === who.org;
}
function mayChange(m: Mission, who: Identity): boolean {
  if (who.kind === 'local' || (m.owner.user === who.user && m.owner.org === who.org)) return true;
  return m.visibility !== 'private' && m.owner.org !== null && m.owner.org === who.org;
}

interface RunCallAnswer {
  code: Code;
  /** invalid_request for KPIs the mission lacks: exactly these issue paths. */
  paths?: string[];
  run?: RunRecord;
  mission?: Mission;
  /** The mission's spend before the call (the largest running total on its runs). */
  spentBefore?: number;
}

/**
 * What decideRun and reportProgress must answer (SPEC §15, §16), from the arguments and the run and its
 * mission as they stand: arguments the schema refuses are invalid_request; then a run the caller may not
 * see is not_found, one they may see but not change forbidden; decideRun decides only a request that
 * awaits a decision, reportProgress reports only on a running run (else conflict), and only KPIs its
 * mission has (else invalid_request at kpis.<metric>, each of them).
 */
async function runCallAnswer(fx: Fixture, tool: string, args: Args): Promise<RunCallAnswer> {
  // (zod's records skip a "__proto__" key; the server refuses it wherever it is sent.)
  if (!toolByName(tool).inputSchema.safeParse(args).success || hasProtoKey(args)) return { code: 'invalid_request' };
  const run = await fx.store.getRun((tool === 'decideRun' ? args.id : args.runId) as string);
  const mission = run ? await fx.store.get(run.missionId) : undefined;
  if (!run || !mission || !maySee(mission, fx.caller)) return { code: 'not_found' };
  if (!mayChange(mission, fx.caller)) return { code: 'forbidden' };
  if (tool === 'decideRun') return { code: run.status === 'awaiting_approval' && !run.decision ? 'ok' : 'conflict', run, mission };
  if (run.status !== 'running') return { code: 'conflict' };
  const known = mission.plan.kpis.map((k) => k.metric);
  const unknown = Object.keys((args.kpis ?? {}) as Args).filter((metric) => !known.includes(metric));
  if (unknown.length) return { code: 'invalid_request', paths: unknown.map((metric) => renderPath(['kpis', metric])) };
  const spentBefore = Math.max(0, ...(await fx.store.runsOf(mission.id)).map((r) => r.spentCents ?? 0));
  return { code: 'ok', run, mission, spentBefore };
}

/** A decision or a report that was accepted: the answer and the store hold exactly what was asked, at `at`. */
async function checkRunCall(fx: Fixture, tool: string, args: Args, body: Record<string, unknown>, expected: RunCallAnswer, at: string, where: string): Promise<void> {
  const { run, mission } = expected as Required<RunCallAnswer>;
  if (tool === 'decideRun') {
    const answer = body.run as { id: string; status: string; decision: unknown };
    const status = args.decision === 'approve' ? 'awaiting_approval' : 'rejected';
    expect(answer.id, where).toBe(run.id);
    expect(answer.status, where).toBe(status);
    const by = { user: fx.caller.user, org: fx.caller.org };
    if ((args.mode ?? 'full') === 'full') expect(answer.decision, where).toEqual({ by, at, decision: args.decision, note: args.note ?? null, via: 'tool' });
    else expect(answer.decision, where).toBe(`${args.decision} by ${by.user}`);
    const stored = await fx.store.getRun(run.id);
    expect({ status: stored?.status, decision: stored?.decision?.decision }, where).toEqual({ status, decision: args.decision });
    return;
  }
  // reportProgress: the latest values over the earlier ones, the KPIs merged, the cost added to the run and to the mission's spend.
  const kpis = (args.kpis ?? {}) as Record<string, number>;
  const prev = run.report;
  const cost = (args.costCents as number | undefined) ?? 0;
  expect(body, where).toEqual({
    run: {
      id: run.id,
      missionId: mission.id,
      status: 'running',
      report: {
        summary: args.summary ?? prev?.summary ?? null,
        progressPercent: args.progressPercent ?? prev?.progressPercent ?? null,
        stage: args.stage ?? prev?.stage ?? null,
        kpis: { ...prev?.kpis, ...kpis },
        reportedAt: at,
      },
      costCents: (run.costCents ?? 0) + cost,
    },
    spentCents: expected.spentBefore! + cost,
    budgetCents: mission.plan.constraints.budgetCents,
  });
  const answer = body.run as { report: unknown; costCents: number };
  expect(await fx.store.getRun(run.id), where).toMatchObject({ status: 'running', report: answer.report, costCents: answer.costCents, spentCents: body.spentCents });
  // Each KPI reported is the mission's current value now; the others are as they were.
  const after = await fx.store.get(mission.id);
  expect(after?.plan.kpis, where).toEqual(mission.plan.kpis.map((k) => (Object.hasOwn(kpis, k.metric) ? { ...k, current: kpis[k.metric] } : k)));
}

/** getMission { expand: ["progress"] } in full mode, as SPEC §16 lists it (written here, apart from src/). */
const ProgressShape = z.strictObject({
  percent: z.number().min(0).max(100).nullable(),
  stage: z.string().nullable(),
  summary: z.string().nullable(),
  reportedAt: z.string().nullable(),
  kpiProgress: z.array(
    z.strictObject({
      metric: z.string(),
      target: z.number().nullable(),
      current: z.number().nullable(),
      trend: z.enum(['improving', 'declining', 'flat', 'unknown']),
      history: z.array(z.strictObject({ value: z.number(), at: z.string(), runId: z.string() })).max(10),
    }),
  ),
  runs: z.strictObject({ total: z.number().int().min(0), succeeded: z.number().int().min(0), failed: z.number().int().min(0), lastRun: z.string().nullable(), nextRun: z.string().nullable() }),
  spend: z.strictObject({ costCents: z.number().int().min(0), budgetCents: z.number().int().min(0).nullable(), remainingCents: z.number().int().min(0).nullable() }),
});

/** getMission: progress exactly when asked for, in the mode's shape, one entry per KPI of the mission's plan. */
function checkProgress(args: Args, body: Record<string, unknown>, where: string): void {
  const asked = Array.isArray(args.expand) && args.expand.includes('progress');
  expect(body.progress !== undefined, `${where}: progress ${asked ? 'missing' : 'not asked for'}`).toBe(asked);
  if (!asked) return;
  if ((args.mode ?? 'full') === 'compact') {
    expect(CompactProgress.safeParse(body.progress).success, `${where}: ${JSON.stringify(body.progress)}`).toBe(true);
    return;
  }
  const parsed = ProgressShape.safeParse(body.progress);
  expect(parsed.success, `${where}: progress ${String(parsed.error)}`).toBe(true);
  const metrics = (body.mission as Mission).plan.kpis.map((k) => k.metric);
  expect(parsed.data!.kpiProgress.map((k) => k.metric), where).toEqual(metrics);
  expect(parsed.data!.runs.succeeded + parsed.data!.runs.failed, where).toBeLessThanOrEqual(parsed.data!.runs.total);
}

/**
 * runMission, as SPEC §12 and the tool's description say: a pending, completed or failed mission is
 * made due now; paused, archived and running ones are refused, and so is one that has used its maxRuns
 * (unless it is already queued to run).
 */
function runMissionAnswer(m: Mission): Code {
  if (!['pending', 'completed', 'failed'].includes(m.status)) return 'conflict';
  const usedUp = m.schedule.maxRuns !== null && m.schedule.runCount >= m.schedule.maxRuns;
  return usedUp && !(m.status === 'pending' && m.queuedRun?.trigger === 'manual') ? 'conflict' : 'ok';
}

/** What a success of runMission, listRuns or getRun says, beyond its shape. */
async function checkRunAnswer(fx: Fixture, tool: string, args: Args, body: Record<string, unknown>, where: string): Promise<void> {
  if (tool === 'runMission') {
    const m = body.mission as { id: string; status: string; schedule?: { nextRun: string | null }; nextRun?: string | null; queuedRun?: unknown };
    expect(m.id, where).toBe(args.id);
    expect(m.status, where).toBe('pending');
    expect(m.schedule?.nextRun ?? m.nextRun, `${where}: made due, yet no nextRun`).toEqual(expect.any(String));
    // A mission that needs approval (SPEC §15): the answer names its open request, which waits for a person.
    if (fx.approvals.includes(m.id)) {
      expect(body.approvalRequired, where).toBe(true);
      const request = await fx.store.getRun(body.approvalRequestId as string);
      expect({ missionId: request?.missionId, status: request?.status, decision: request?.decision ?? null }, where).toEqual({ missionId: m.id, status: 'awaiting_approval', decision: null });
    } else {
      expect(body.approvalRequired, where).toBeUndefined();
    }
    return;
  }
  if (tool === 'getRun') {
    const run = body.run as { id: string; output?: string };
    expect(run.id, where).toBe(args.id);
    const output = fx.outputs.get(run.id) ?? '';
    // Full: the whole output kept; compact: its end, "…" marking a cut.
    if ((args.mode ?? 'full') === 'full') expect(run.output, where).toBe(output);
    else if (output === '') expect(run.output, where).toBeUndefined();
    else expect(output.endsWith(run.output!.replace(/^…/, '')) && run.output!.length <= 601, `${where}: compact output ${JSON.stringify(run.output)}`).toBe(true);
    return;
  }
  // listRuns: newest first, within the filters and the page size, hasMore exactly when there is a next cursor.
  const page = body as { runs: { id: string; missionId: string; status: string; startedAt: string; output?: string }[]; total: number; hasMore: boolean; nextCursor: string | null };
  expect(page.runs.length, where).toBeLessThanOrEqual(typeof args.limit === 'number' ? args.limit : 20);
  expect(page.total, where).toBeGreaterThanOrEqual(page.runs.length);
  expect(page.hasMore, where).toBe(page.nextCursor !== null);
  if (args.cursor === undefined) expect(page.hasMore, where).toBe(page.total > page.runs.length);
  const statuses = args.status === undefined ? undefined : ([] as unknown[]).concat(args.status);
  for (const [i, r] of page.runs.entries()) {
    expect(r.output, `${where}: a list holds no output`).toBeUndefined();
    if (args.missionId !== undefined) expect(r.missionId, where).toBe(args.missionId);
    if (statuses) expect(statuses, where).toContain(r.status);
    const prev = page.runs[i - 1];
    if (prev) expect(prev.startedAt >= r.startedAt, `${where}: not newest first`).toBe(true);
    expect(fx.runs, `${where}: a run that was never made`).toContain(r.id);
  }
}

const TOOLS = ['createMission', 'getMission', 'listMissions', 'updateMission', 'deleteMission', 'pauseMission', 'resumeMission', 'runMission', 'listRuns', 'getRun', 'decideRun', 'reportProgress'] as const;

describe(`fuzz (${RUNS} cases per tool)`, () => {
  afterAll(() => {
    const total = Object.values(tallies).reduce((n, t) => n + t.cases, 0);
    const sum = (code: Code) => Object.values(tallies).reduce((n, t) => n + t.outcomes[code], 0);
    console.log(
      `fuzz TEST_SEED=${SEED}: ${total} cases; ` + CODES.map((code) => `${code} ${sum(code)}`).join(', ') + '\n' +
        Object.entries(tallies)
          .map(([tool, t]) => `  ${tool.padEnd(14)} ${t.cases} cases: ${CODES.map((c) => `${c} ${t.outcomes[c]}`).join(', ')} | ${t.note ?? `built ${Object.entries(t.kinds).map(([k, n]) => `${k} ${n}`).join(', ')}`}${t.compactions ? ` | snapshots written ${t.compactions}` : ''}`)
          .join('\n'),
    );
  });

  TOOLS.forEach((tool) => {
    it(`${tool}: every call answers a result, rejections are explained and change nothing`, async () => {
      replayOnFailure();
      const fx = await openHarness(tool);
      const tally: Tally = { cases: 0, outcomes: { ok: 0, invalid_request: 0, not_found: 0, conflict: 0, forbidden: 0 }, kinds: { valid: 0, bad: 0, rule: 0, any: 0 } };
      try {
        await fc.assert(
          fc.asyncProperty(casesFor(tool), async (c) => {
            const code = await check(fx, tool, c);
            tally.cases++;
            tally.outcomes[code]++;
            tally.kinds[c.kind]++;
          }),
          { seed: seedFor(tool), numRuns: RUNS },
        );
      } finally {
        tallies[tool] = { ...tally, compactions: fx.compactions() };
        await fx.close();
      }
    }, 120_000);
  });

  // The SDK's CallToolRequest schema requires `arguments` to be an object; other values never reach
  // the tool. What must hold: the server answers (no crash, no hang), keeps serving, and changes nothing.
  it('arguments that are not an object: the server survives and the store is unchanged', async () => {
    replayOnFailure();
    const fx = await openHarness('nonobject');
    let cases = 0;
    let protocolErrors = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...TOOLS), fc.jsonValue({ maxDepth: 2 }).filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)), async (tool, args) => {
          const where = `${tool} ${JSON.stringify(args)}`;
          const before = onDisk(fx.file, fx.dir);
          const answer = await fx.h.client.callTool({ name: tool, arguments: args as unknown as Args }).then(
            (r) => ({ ok: true as const, r }),
            (e: unknown) => ({ ok: false as const, e }),
          );
          // null is read as "no arguments" (as if absent); anything else that is not an object is rejected
          if (!answer.ok) protocolErrors++;
          expect(answer.ok, `${where}: answered by a JSON-RPC error: ${answer.ok ? '' : String(answer.e)}`).toBe(true);
          if (answer.ok && args !== null) expect(answer.r.isError, where).toBe(true); // null reads as "no arguments"
          expectUnchanged(before, onDisk(fx.file, fx.dir), where);
          await ok(fx.h.client, 'getMission', { id: fx.pool[0]! });
          cases++;
        }),
        { seed: seedFor('non-object arguments'), numRuns: NON_OBJECT_RUNS },
      );
    } finally {
      tallies['non-object'] = {
        cases,
        outcomes: { ok: 0, invalid_request: 0, not_found: 0, conflict: 0, forbidden: 0 },
        kinds: { valid: 0, bad: 0, rule: 0, any: cases },
        note: `answered by a JSON-RPC error ${protocolErrors}, by a tool error ${cases - protocolErrors}`,
      };
      await fx.close();
    }
  }, 60_000);

  // Found by this fuzz: an ISO time whose UTC form fell outside years 0000–9999 was stored as
  // "+010000-…" and then made every later load of the store fail. Now rejected at its path.
  it('times at the edge of the four-digit years are rejected, not stored where no one can read them', async () => {
    const fx = await openHarness('years');
    try {
      for (const [args, path] of [
        [{ title: 'T', goal: 'G', startsAt: '9999-12-31T23:00:00-05:00' }, 'startsAt'],
        [{ title: 'T', goal: 'G', startsAt: '0000-01-01T00:00:00+01:00' }, 'startsAt'],
        [{ title: 'T', goal: 'G', startsAt: '9999-12-31T00:00:00Z', durationDays: 1 }, 'durationDays'],
        [{ title: 'T', goal: 'G', schedule: { type: 'once', value: '9999-12-31T23:00:00-05:00' } }, 'schedule.value'],
      ] as const) {
        const raw = (await fx.h.client.callTool({ name: 'createMission', arguments: args })) as CallToolResult;
        const item = raw.content[0];
        const body = JSON.parse(item?.type === 'text' ? item.text : '{}');
        if (raw.isError) expect(body.error.issues.map((i: Issue) => i.path)).toContain(path);
        else expect(Mission.strict().safeParse(body.mission).success, JSON.stringify(body.mission)).toBe(true);
      }
    } finally {
      await fx.close();
    }
  });

  // Found by this fuzz: an unknown field named "" was reported at path "" (and "." under plan at
  // "plan.."). Such keys are now written ["…"].
  it('an unknown field named "" is reported at a path that is not empty', async () => {
    const fx = await openHarness('emptykey');
    try {
      const raw = (await fx.h.client.callTool({ name: 'getMission', arguments: { id: fx.pool[0]!, '': 1 } })) as CallToolResult;
      const item = raw.content[0];
      const body = JSON.parse(item?.type === 'text' ? item.text : '{}');
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.issues[0].path).not.toBe('');
    } finally {
      await fx.close();
    }
  });

  // Found by this fuzz (issue 18): rejecting with a note of the 2,000 characters decideRun allows wrote a
  // run whose error was longer than a run record may hold; every other process then refused the journal
  // ("not a journal entry") and so the whole store, until someone edited it by hand.
  it('a rejection with the longest note leaves a store that every other reader loads', async () => {
    const fx = await openHarness('long-note');
    try {
      const { mission } = await ok(fx.h.client, 'createMission', { title: 'T', goal: 'G', schedule: { type: 'continuous' }, plan: { constraints: { requireApproval: true } } });
      const { approvalRequestId } = await ok(fx.h.client, 'runMission', { id: mission.id });
      const note = 'n'.repeat(2000);
      const { run } = await ok(fx.h.client, 'decideRun', { id: approvalRequestId, decision: 'reject', note });
      expect(run.decision.note).toBe(note);
      expect(RunRecord.safeParse(run).success && run.error.length <= 2000).toBe(true);
      const other = openJsonFileStore(fx.file, { log: () => undefined }); // another process, while the server runs
      try {
        expect((await other.getRun(approvalRequestId))?.status).toBe('rejected');
      } finally {
        await other.close();
      }
    } finally {
      await fx.close();
    }
  });

  // Found by this fuzz (issue 18): a mission with a KPI named "constructor" answered every report that
  // named KPIs with an internal error (`"constructor" in kpis` is true of every object), and its progress
  // history took a function for a value.
  it('a KPI named like a member of every object is reported and read back as any other', async () => {
    const fx = await openHarness('kpi-names');
    try {
      const kpis = [{ metric: 'signups', target: 10 }, { metric: 'constructor', target: 3 }, { metric: 'toString', target: null }];
      const { mission } = await ok(fx.h.client, 'createMission', { title: 'T', goal: 'G', plan: { kpis } });
      await ok(fx.h.client, 'updateMission', { id: mission.id, status: 'running' });
      const [run] = await fx.store.runsOf(mission.id);
      await ok(fx.h.client, 'reportProgress', { runId: run!.id, kpis: { signups: 4 } });
      await ok(fx.h.client, 'reportProgress', { runId: run!.id, kpis: { toString: 2 } });
      const { progress } = await ok(fx.h.client, 'getMission', { id: mission.id, expand: ['progress'] });
      expect(progress.kpiProgress.map((k: { metric: string; current: number | null; history: { value: number }[] }) => [k.metric, k.current, k.history.map((h) => h.value)])).toEqual([
        ['signups', 4, [4]],
        ['constructor', null, []],
        ['toString', 2, [2]],
      ]);
    } finally {
      await fx.close();
    }
  });

  // Found by this fuzz (issue 18): zod's records skip a "__proto__" key, so that a report of
  // kpis: { "__proto__": 1 } (or stats: { "__proto__": 1 }) was answered ok and silently dropped.
  it('a "__proto__" key is refused where it was sent, not dropped', async () => {
    const fx = await openHarness('proto-keys');
    try {
      await ok(fx.h.client, 'updateMission', { id: fx.pool[4]!, plan: { kpis: [{ metric: 'followers' }] } });
      const [run] = await fx.store.runsOf(fx.pool[4]!);
      for (const [tool, json, path] of [
        ['reportProgress', `{"runId":"${run!.id}","kpis":{"followers":1,"__proto__":2}}`, 'kpis.__proto__'],
        ['createMission', '{"title":"T","goal":"G","stats":{"leads":1,"__proto__":5}}', 'stats.__proto__'],
      ] as const) {
        const before = onDisk(fx.file, fx.dir);
        const raw = (await fx.h.client.callTool({ name: tool, arguments: JSON.parse(json) as Args })) as CallToolResult;
        const item = raw.content[0];
        const body = JSON.parse(item?.type === 'text' ? item.text : '{}');
        expect(body.error?.code, json).toBe('invalid_request');
        expect(body.error.issues.map((i: Issue) => i.path), json).toEqual([path]);
        expectUnchanged(before, onDisk(fx.file, fx.dir), json);
      }
    } finally {
      await fx.close();
    }
  });

  // Found by this fuzz (issue 18): `param` named a field the tool does not take: listRuns' missionId was
  // reported as "id", and pauseMission's refused change as "status".
  it('param names the field the caller sent', async () => {
    const fx = await openHarness('params');
    try {
      const listed = await fx.h.client.callTool({ name: 'listRuns', arguments: { missionId: 'msn_AAAAAAAAAAAAAAAAAAAA' } });
      const paused = await fx.h.client.callTool({ name: 'pauseMission', arguments: { id: fx.pool[5]! } }); // archived
      const errorOf = (raw: unknown) => {
        const item = (raw as CallToolResult).content[0];
        return JSON.parse(item?.type === 'text' ? item.text : '{}').error;
      };
      expect(errorOf(listed)).toMatchObject({ code: 'not_found', param: 'missionId' });
      expect(errorOf(paused)).toMatchObject({ code: 'conflict', param: 'id' });
    } finally {
      await fx.close();
    }
  });

  // Found by this fuzz: arguments that are not an object (5, "x", [1], true) were answered by the SDK
  // with JSON-RPC error -32603 (a ZodError dump). They are tool errors now, as SPEC §7 wants.
  it('arguments that are not an object are answered as invalid_request, not a JSON-RPC error', async () => {
    const fx = await openHarness('nonobject-strict');
    try {
      for (const args of [5, 'x', [1], true]) {
        const raw = (await fx.h.client.callTool({ name: 'createMission', arguments: args as unknown as Args })) as CallToolResult;
        expect(raw.isError).toBe(true);
        const item = raw.content[0];
        expect(JSON.parse(item?.type === 'text' ? item.text : '{}').error.code).toBe('invalid_request');
      }
    } finally {
      await fx.close();
    }
  });
});
