// What tools/list advertises must be what the validator enforces: every enum value and bound a client
// sees in an input schema is checked against the zod schema that validates the call (issue 14: a
// `limit` without bounds, a `status` list without items, described limits that drifted).
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { allTools } from '../tools/index.js';
import { jsonSchemaOf } from '../src/dispatch.js';
import { MissionError } from '../src/errors.js';
import { parseArguments } from '../src/validation.js';

type Node = Record<string, any>;
const BASE: Record<string, Record<string, unknown>> = {
  createMission: { title: 'T', goal: 'G' },
  listMissions: {},
  listRuns: {},
  getRun: { id: 'run_AAAAAAAAAAAAAAAAAAAA' },
};
const base = (tool: string) => structuredClone(BASE[tool] ?? { id: 'msn_AAAAAAAAAAAAAAAAAAAA' });

/** The issues the validator reports at `path` when `value` is put there. */
function issuesAt(tool: (typeof allTools)[number], path: string[], value: unknown): string[] {
  const args = base(tool.name);
  let at: Node = args;
  for (const key of path.slice(0, -1)) at = at[key] ??= {};
  at[path[path.length - 1]!] = value;
  try {
    parseArguments(tool.inputSchema, args, tool.name);
    return [];
  } catch (error) {
    if (!(error instanceof MissionError)) throw error;
    const dotted = path.join('.');
    return (error.toBody().issues ?? []).filter((i) => i.path === dotted || i.path.startsWith(`${dotted}.`)).map((i) => i.message);
  }
}

interface Check {
  tool: string;
  path: string;
  accepted: unknown[];
  rejected: unknown[];
}

/** Every property of object schemas, with the values its advertised enum or bounds imply. */
function checksOf(toolName: string, node: Node, path: string[] = [], out: Check[] = []): Check[] {
  for (const [key, child] of Object.entries<Node>(node.properties ?? {})) {
    const p = [...path, key];
    const variants: Node[] = child.anyOf ?? [child];
    for (const v of variants) {
      const check: Check = { tool: toolName, path: p.join('.'), accepted: [], rejected: [] };
      if (Array.isArray(v.enum)) {
        check.accepted.push(...v.enum);
        check.rejected.push('__not_a_member__');
      }
      if (v.type === 'array' && v.items?.enum) {
        check.accepted.push(v.items.enum.slice(0, 2));
        check.rejected.push(['__not_a_member__']);
      }
      const numeric = v.type === 'integer' || v.type === 'number' || (Array.isArray(v.type) && (v.type.includes('integer') || v.type.includes('number')));
      if (numeric && typeof v.minimum === 'number') check.accepted.push(v.minimum), check.rejected.push(v.minimum - 1);
      if (numeric && typeof v.maximum === 'number') check.accepted.push(v.maximum), check.rejected.push(v.maximum + 1);
      const plain = (v.type === 'string' || (Array.isArray(v.type) && v.type.includes('string'))) && !v.pattern && !v.format;
      if (plain && typeof v.maxLength === 'number') check.accepted.push('a'.repeat(v.maxLength)), check.rejected.push('a'.repeat(v.maxLength + 1));
      if (check.accepted.length + check.rejected.length > 0) out.push(check);
      if (v.type === 'object' || v.properties) checksOf(toolName, v, p, out);
    }
  }
  return out;
}

describe('advertised input schemas agree with validation', () => {
  const checks = allTools.flatMap((t) => checksOf(t.name, jsonSchemaOf(t.inputSchema, 'input') as Node));

  it('finds enums and bounds to check in every tool that has them', () => {
    expect(checks.length).toBeGreaterThan(30);
    expect(checks.some((c) => c.tool === 'listMissions' && c.path === 'limit')).toBe(true);
    expect(checks.some((c) => c.tool === 'listMissions' && c.path === 'status' && Array.isArray(c.accepted[0]))).toBe(true);
  });

  it.each(checks.map((c) => [`${c.tool} ${c.path} ${JSON.stringify(c.accepted).slice(0, 60)}`, c] as const))('%s', (_name, c) => {
    const tool = allTools.find((t) => t.name === c.tool)!;
    const path = c.path.split('.');
    for (const value of c.accepted) {
      // A string at its maximum length may still fail a check of its content (a cron expression): only a bound may not.
      const issues = issuesAt(tool, path, value).filter((m) => typeof value !== 'string' || /too (big|long)|<=|characters/i.test(m));
      expect(issues, `${c.tool} ${c.path} = ${JSON.stringify(value).slice(0, 40)} is advertised as allowed`).toEqual([]);
    }
    for (const value of c.rejected) expect(issuesAt(tool, path, value).length, `${c.tool} ${c.path} = ${JSON.stringify(value).slice(0, 40)} is advertised as not allowed`).toBeGreaterThan(0);
  });
});

// A bound left out of the advertised form (limitsInDescription) must be said in a description on the
// way to it: createMission's brief and plan, updateMission's addImports (their texts come from LIMITS).
// updateMission's other fields point at createMission's; list filters are left unbounded on purpose.
const BOUNDS = ['maxLength', 'maxItems', 'maximum', 'minimum', 'exclusiveMinimum'];

/** Bounds that validation enforces but neither the advertised schema nor a description states. */
function unsaid(plain: Node, advertised: Node | undefined, path: string[], said: string, out: string[] = []): string[] {
  const text = `${said} ${advertised?.description ?? ''}`;
  const leftOut: string[] = plain.advertiseWithout ?? []; // said by a format or a description that names no number
  for (const bound of BOUNDS) {
    const value = plain[bound];
    if (typeof value !== 'number' || leftOut.includes(bound) || [0, 1, Number.MAX_SAFE_INTEGER].includes(Math.abs(value))) continue;
    if (advertised?.[bound] === value) continue;
    const says = (s: string) => new RegExp(`(?<![\\d.]|\\d,)${s}(?!\\d|,\\d)`).test(text); // 2000, not 20000
    if (![String(value), `${value / 1024} KB`].some(says)) out.push(`${path.join('.')}: ${bound} ${value}`);
  }
  for (const [key, child] of Object.entries<Node>(plain.properties ?? {})) unsaid(child, advertised?.properties?.[key], [...path, key], text, out);
  if (plain.items) unsaid(plain.items, advertised?.items, [...path, '[]'], text, out);
  for (const [i, branch] of (plain.anyOf ?? []).entries()) unsaid(branch, advertised?.anyOf?.[i] ?? advertised, path, text, out);
  return out;
}

const plainSchema = (schema: z.ZodType): Node => z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Node;

describe('limits left out of the advertised schemas are said in a description', () => {
  it.each(['createMission', 'updateMission'])('%s', (name) => {
    const tool = allTools.find((t) => t.name === name)!;
    const found = unsaid(plainSchema(tool.inputSchema), jsonSchemaOf(tool.inputSchema, 'input') as Node, [], tool.description);
    const mine = name === 'updateMission' ? found.filter((f) => f.startsWith('addImports')) : found;
    expect(mine).toEqual([]);
  });

  it('finds a bound that is neither advertised nor said', () => {
    const schema = z.object({ a: z.string().max(300).describe('a text') });
    expect(unsaid(plainSchema(schema), { properties: { a: { description: 'a text' } } }, [], '')).toEqual(['a: maxLength 300']);
    expect(unsaid(plainSchema(schema), { properties: { a: { description: 'a text ≤300' } } }, [], '')).toEqual([]);
  });
});

describe('advertising hints', () => {
  it.each(allTools.map((t) => [t.name, t] as const))('%s: none is left in the advertised schemas (json-schema.ts reads and removes them)', (_name, tool) => {
    for (const io of ['input', 'output'] as const) {
      expect(JSON.stringify(jsonSchemaOf(io === 'input' ? tool.inputSchema : tool.outputSchema, io))).not.toMatch(/advertiseWithout|limitsInDescription|keepLimits/);
    }
  });
});
