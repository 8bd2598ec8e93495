// keysAt walks zod's internal definitions (`schema._zod.def`: type, innerType, element, shape,
// valueType), which are not a public API: zod is pinned to an exact version in package.json for it.
// These cases fail when an upgrade changes that shape, before any unknown-field hint goes wrong.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { keysAt } from '../src/validation.js';
import { allTools } from '../tools/index.js';

const inputOf = (name: string) => allTools.find((t) => t.name === name)!.inputSchema;

describe('keysAt over zod internals', () => {
  const leaf = z.object({ a: z.string(), b: z.number() });
  it.each([
    ['an object', leaf, [], ['a', 'b']],
    ['optional', leaf.optional(), [], ['a', 'b']],
    ['nullable', leaf.nullable(), [], ['a', 'b']],
    ['default', leaf.default({ a: '', b: 0 }), [], ['a', 'b']],
    ['nullable, optional, default', leaf.nullable().optional().default(null), [], ['a', 'b']],
    ['strict and loose objects', z.strictObject({ s: leaf }), ['s'], ['a', 'b']],
    ['an array element', z.object({ list: z.array(leaf) }), ['list', 0], ['a', 'b']],
    ['a record value', z.object({ map: z.record(z.string(), leaf) }), ['map', 'any'], ['a', 'b']],
    ['not an object', z.string(), [], []],
    ['past a leaf', leaf, ['a', 'x'], []],
    ['a missing key', leaf, ['c'], []],
  ] as const)('%s', (_name, schema, path, keys) => {
    expect(keysAt(schema as z.ZodType, path)).toEqual(keys);
  });

  it('over the real tool schemas', () => {
    expect(keysAt(inputOf('createMission'), [])).toEqual(expect.arrayContaining(['title', 'goal', 'schedule', 'plan', 'brief']));
    expect(keysAt(inputOf('createMission'), ['plan', 'kpis', 0])).toEqual(['metric', 'target', 'platform', 'current']);
    expect(keysAt(inputOf('createMission'), ['schedule'])).toEqual(expect.arrayContaining(['type', 'value', 'maxRuns', 'timezone']));
    expect(keysAt(inputOf('updateMission'), ['brief', 'offer'])).not.toEqual([]);
  });
});
