// The tool inputs are derived from the stored model (src/mission/input.ts). What may differ is one-way:
// an input may be stricter than the model (the model keeps loading every mission stored before), never
// looser, or a call could store a mission that no longer loads. Checked on the plain JSON Schemas of
// both (before any advertising edit), field by field, at every depth.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { BriefInput, ConstraintsInput, CreateMissionInput, ImportInput, KpiInput, OfferInput, PlanInput, ScheduleInput } from '../src/mission/input.js';
import { Brief, Constraints, ImportEntry, Kpi, Mission, Offer, Plan, Schedule } from '../src/mission/model.js';
import { call, connectInMemory, ok } from './helpers.js';

type Node = Record<string, any>;
const plain = (schema: z.ZodType): Node => z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Node;

/** The node without its null branch, and whether it had one. */
function unNull(node: Node): { node: Node; nullable: boolean } {
  if (Array.isArray(node.type) && node.type.includes('null')) {
    const rest = node.type.filter((t: string) => t !== 'null');
    return { node: { ...node, type: rest.length === 1 ? rest[0] : rest }, nullable: true };
  }
  const branches: Node[] | undefined = node.anyOf;
  if (branches?.length === 2) {
    const other = branches.find((b) => b.type !== 'null');
    if (other && branches.some((b) => b.type === 'null')) return { node: { ...node, ...other, anyOf: undefined }, nullable: true };
  }
  return { node, nullable: false };
}

/** Where `input` accepts something `model` refuses, as far as JSON Schema says it. */
function looser(input: Node, model: Node, path: string, out: string[] = [], extra: readonly string[] = []): string[] {
  const i = unNull(input);
  const m = unNull(model);
  if (i.nullable && !m.nullable) out.push(`${path}: null is accepted but not stored`);
  const a = i.node;
  const b = m.node;
  if (b.type !== undefined && JSON.stringify(a.type) !== JSON.stringify(b.type) && !(a.type === 'integer' && b.type === 'number')) {
    out.push(`${path}: type ${JSON.stringify(a.type)} is not ${JSON.stringify(b.type)}`);
  }
  for (const upper of ['maxLength', 'maxItems', 'maximum']) {
    if (b[upper] !== undefined && !(a[upper] <= b[upper])) out.push(`${path}: ${upper} ${a[upper]} over the model's ${b[upper]}`);
  }
  for (const lower of ['minLength', 'minItems', 'minimum']) {
    if (b[lower] !== undefined && !(a[lower] >= b[lower])) out.push(`${path}: ${lower} ${a[lower]} under the model's ${b[lower]}`);
  }
  if (b.pattern !== undefined && a.pattern !== b.pattern) out.push(`${path}: pattern ${a.pattern} is not the model's ${b.pattern}`);
  if (Array.isArray(b.enum) && !(Array.isArray(a.enum) && a.enum.every((v: unknown) => b.enum.includes(v)))) out.push(`${path}: enum beyond the model's`);
  if (a.items && b.items) looser(a.items, b.items, `${path}[]`, out);
  for (const [key, child] of Object.entries<Node>(a.properties ?? {})) {
    if (b.properties?.[key]) looser(child, b.properties[key], path ? `${path}.${key}` : key, out);
    else if (b.properties && !extra.includes(key)) out.push(`${path ? `${path}.` : ''}${key}: not a field of the model`);
  }
  return out;
}

describe('the inputs are the model, at most stricter', () => {
  const pairs: [string, z.ZodType, z.ZodType][] = [
    ['schedule', ScheduleInput, Schedule],
    ['offer', OfferInput, Offer],
    ['brief', BriefInput, Brief],
    ['constraints', ConstraintsInput, Constraints],
    ['kpi', KpiInput, Kpi],
    ['plan', PlanInput, Plan],
    ['import', ImportInput, ImportEntry],
  ];
  it.each(pairs)('%s input accepts nothing its model refuses', (name, input, model) => {
    expect(looser(plain(input), plain(model), name)).toEqual([]);
  });

  it('createMission accepts nothing the model refuses, but for its own fields (mode, durationDays, stats as a reset)', () => {
    expect(looser(plain(CreateMissionInput), plain(Mission), '', [], ['mode', 'durationDays', 'stats'])).toEqual([]);
  });

  it('the check finds a looser input: a longer text, a null the model cannot hold, an unknown field', () => {
    const model = z.object({ a: z.string().max(5), b: z.string(), c: z.array(z.string().min(1)) });
    const input = z.object({ a: z.string().max(6), b: z.string().nullable(), c: z.array(z.string()), d: z.string() });
    expect(looser(plain(input), plain(model), '')).toEqual([
      'a: maxLength 6 over the model\'s 5',
      'b: null is accepted but not stored',
      'c[]: minLength undefined under the model\'s 1',
      'd: not a field of the model',
    ]);
  });
});

describe('where the input is stricter on purpose', () => {
  it('empty sample messages and excluded topics are refused as input, and a stored mission holding them still loads', async () => {
    const h = await connectInMemory();
    const refused = await call(h.client, 'createMission', { title: 'T', goal: 'G', brief: { exampleMessages: [''] }, plan: { constraints: { excludedTopics: ['  '] } } });
    expect(refused.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['brief.exampleMessages.0', 'plan.constraints.excludedTopics.0']);
    const { mission } = await ok(h.client, 'createMission', { title: 'T', goal: 'G' });
    const stored = { ...mission, brief: { ...mission.brief, exampleMessages: [''] }, plan: { ...mission.plan, constraints: { ...mission.plan.constraints, excludedTopics: [''] } } };
    expect(Mission.safeParse(stored).success).toBe(true);
    await h.close();
  });
});
