// Contract tests over the one list of tools: what every client relies on, for every tool at once.
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mission } from '../src/mission/model.js';
import { CompactListItem, CompactMission } from '../src/render/compact.js';
import { allTools } from '../tools/index.js';
import { call, connectInMemory, ok, type Harness } from './helpers.js';
import { realisticMissions } from './fixtures/missions.js';

type Schema = Record<string, any>;

/** Every property at every depth, with its path. */
function properties(schema: Schema, path = ''): { path: string; schema: Schema }[] {
  const out: { path: string; schema: Schema }[] = [];
  for (const [key, child] of Object.entries<Schema>(schema.properties ?? {})) {
    out.push({ path: `${path}${key}`, schema: child });
  }
  const nested = [
    ...Object.entries<Schema>(schema.properties ?? {}).map(([k, s]) => [`${path}${k}.`, s] as const),
    ...(schema.items ? [[`${path}[].`, schema.items] as const] : []),
    ...(schema.anyOf ?? []).map((s: Schema) => [path, s] as const),
    ...(schema.additionalProperties && typeof schema.additionalProperties === 'object' ? [[`${path}*.`, schema.additionalProperties] as const] : []),
  ];
  for (const [p, s] of nested) out.push(...properties(s, p));
  return out;
}

let h: Harness;
let listed: Awaited<ReturnType<Harness['client']['listTools']>>['tools'];

beforeAll(async () => {
  h = await connectInMemory();
  listed = (await h.client.listTools()).tools;
});
afterAll(() => h.close());

describe('every tool', () => {
  it('is listed, and the list is exactly the twelve tools of the spec (§5, §12, §15, §16)', () => {
    expect(listed.map((t) => t.name).sort()).toEqual(
      ['createMission', 'decideRun', 'deleteMission', 'getMission', 'getRun', 'listMissions', 'listRuns', 'pauseMission', 'reportProgress', 'resumeMission', 'runMission', 'updateMission'],
    );
    expect(allTools.map((t) => t.name).sort()).toEqual(listed.map((t) => t.name).sort());
  });

  it.each(allTools.map((t) => [t.name]))('%s sets all four annotation hints', (name) => {
    const tool = listed.find((t) => t.name === name)!;
    for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
      expect(typeof tool.annotations?.[hint], `${name}.${hint}`).toBe('boolean');
    }
    // a tool that reads must not claim to destroy, and one that writes must not claim to only read
    if (tool.annotations!.readOnlyHint) expect(tool.annotations!.destructiveHint).toBe(false);
  });

  it.each(allTools.map((t) => [t.name]))('%s has a plain object input schema: no top-level anyOf/oneOf/allOf', (name) => {
    const schema = listed.find((t) => t.name === name)!.inputSchema as Schema;
    expect(schema.type).toBe('object');
    for (const key of ['anyOf', 'oneOf', 'allOf', 'not']) expect(schema[key], `${name} inputSchema.${key}`).toBeUndefined();
    expect(schema.additionalProperties).toBe(false);
  });

  it.each(allTools.map((t) => [t.name]))('%s describes every input field, at every depth', (name) => {
    const schema = listed.find((t) => t.name === name)!.inputSchema as Schema;
    const missing = properties(schema).filter((p) => !p.schema.description).map((p) => p.path);
    expect(missing, `${name}: fields without a description`).toEqual([]);
    expect(properties(schema).length).toBeGreaterThan(0);
  });

  it.each(allTools.map((t) => [t.name]))('%s has a description for a model and an object output schema', (name) => {
    const tool = listed.find((t) => t.name === name)!;
    expect(tool.description!.length).toBeGreaterThan(80);
    expect(tool.title).toBeTruthy();
    expect((tool.outputSchema as Schema).type).toBe('object');
  });
});

describe('the advertised input schemas are honest', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const accepts = (name: string, args: unknown) => {
    const check = ajv.compile(listed.find((t) => t.name === name)!.inputSchema);
    return check(args) ? 'ok' : ajv.errorsText(check.errors);
  };

  it('realistic arguments that the server accepts also pass the advertised schema', () => {
    for (const input of realisticMissions(3)) expect(accepts('createMission', { ...input, mode: 'compact' })).toBe('ok');
    expect(accepts('updateMission', {
      id: 'msn_AAAAAAAAAAAAAAAAAAAA', spaceId: null, endsAt: null, stats: { leads: null, booked: 3 }, schedule: { value: '0 8 * * *' },
      brief: { offer: null }, plan: { constraints: { postsPerDay: 2 } }, addImports: [{ type: 'csv', count: 3, sourceUrl: null }],
    })).toBe('ok');
    expect(accepts('listMissions', { status: ['active', 'paused'], dueBefore: '2026-12-01T09:00:00Z', limit: 100 })).toBe('ok');
  });

  it('still rejects what the server rejects at the top level: unknown fields, wrong types, bad enums', () => {
    expect(accepts('createMission', { title: 'T', goal: 'G', name: 'x' })).toMatch(/additional/);
    expect(accepts('createMission', { title: 'T' })).toMatch(/goal/);
    expect(accepts('listMissions', { sort: 'random' })).toMatch(/allowed values/);
    expect(accepts('updateMission', { id: 'msn_AAAAAAAAAAAAAAAAAAAA', durationDays: 'ten' })).toMatch(/number/);
  });

  it("updateMission's schedule, brief and plan point at createMission's, which lists their fields", () => {
    const create = listed.find((t) => t.name === 'createMission')!.inputSchema as Schema;
    const update = listed.find((t) => t.name === 'updateMission')!.inputSchema as Schema;
    for (const name of ['schedule', 'brief', 'plan']) {
      expect(update.properties[name].description).toContain(`createMission's ${name}`);
      expect(Object.keys(create.properties[name].properties).length).toBeGreaterThan(2);
    }
  });
});

describe('structuredContent matches outputSchema in both modes', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The advertised outputSchema is deliberately small (names and types of top-level fields); the exact
  // shapes are the zod schemas, so every result is held to both.
  let mode: 'full' | 'compact' = 'full';
  const exact = (value: any) => {
    const missions = value.missions ?? (value.mission ? [value.mission] : []);
    for (const m of missions) {
      if (mode === 'full') Mission.strict().parse(m);
      else (value.missions ? CompactListItem : CompactMission).parse(m);
    }
  };
  const validate = (name: string, value: unknown) => {
    const check = ajv.compile(listed.find((t) => t.name === name)!.outputSchema!);
    expect(check(value), `${name}: ${ajv.errorsText(check.errors)}`).toBe(true);
    exact(value);
  };

  it.each([['full'], ['compact']] as const)('for every tool in %s mode', async (m) => {
    mode = m;
    const ids: string[] = [];
    for (const input of realisticMissions(6)) {
      const created = await call(h.client, 'createMission', { ...input, mode });
      expect(created.isError, created.text).toBe(false);
      validate('createMission', created.body);
      expect(JSON.parse(created.text)).toEqual(created.body);
      expect(created.text).not.toMatch(/\n/);
      ids.push(created.body.mission.id);
    }
    const id = ids[0]!;
    validate('getMission', await ok(h.client, 'getMission', { id, mode }));
    validate('listMissions', await ok(h.client, 'listMissions', { mode, limit: 3 }));
    validate('updateMission', await ok(h.client, 'updateMission', { id, mode, title: 'Renamed', addImports: [{ type: 'csv', count: 3 }] }));
    validate('pauseMission', await ok(h.client, 'pauseMission', { id, mode }));
    validate('resumeMission', await ok(h.client, 'resumeMission', { id, mode }));
    validate('deleteMission', await ok(h.client, 'deleteMission', { id }));
  });

  it('full mode has every field of SPEC §2, unset values null / [] / {}', async () => {
    const { mission } = await ok(h.client, 'createMission', { title: 'Bare', goal: 'Nothing else set', mode: 'full' });
    expect(Object.keys(mission).sort()).toEqual(
      ['agentType', 'brief', 'characterId', 'createdAt', 'endsAt', 'goal', 'icon', 'id', 'imports', 'origin', 'owner', 'pausedAt', 'plan',
        'queuedRun', 'schedule', 'spaceId', 'startsAt', 'stats', 'status', 'title', 'updatedAt', 'visibility'].sort(),
    );
    expect(mission.schedule).toEqual({ type: 'none', value: null, timezone: 'UTC', maxRuns: null, lastRun: null, nextRun: null, runCount: 0 });
    expect(mission.brief).toEqual({ targetAudience: null, desiredAction: null, ctaUrl: null, toneInstructions: null, exampleMessages: [], offer: null });
    expect(mission.plan.constraints.postingTimes).toEqual([]);
    expect(mission.stats).toEqual({ leads: 0, contacted: 0, replied: 0 });
  });
});
