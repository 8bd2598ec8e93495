// What tools/list advertises must be what the validator enforces: every enum value and bound a client
// sees in an input schema is checked against the zod schema that validates the call (issue 14: a
// `limit` without bounds, a `status` list without items, described limits that drifted).
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
