// Issue 19: tool schemas as JSON Schema 2020-12 (the dialect 2025-11-25 and 2026-07-28 assume), still
// read by 2025 clients whose validators read draft-07. Every advertised input and output schema
// compiles under both dialects' meta-schemas and judges real arguments the same way, and zod writes the
// same bytes for either target: nothing in our schemas means one thing in 2020-12 and another in draft-07.
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { jsonSchemaOf } from '../src/json-schema.js';
import { selectTools } from '../tools/index.js';

const tools = selectTools({ readOnly: false });
const dialects = { '2020-12': new Ajv2020({ strict: false, allErrors: true }), 'draft-07': new Ajv({ strict: false, allErrors: true }) };

describe('tool schemas in JSON Schema 2020-12, read alike as draft-07', () => {
  it('zod writes the same schema for either target (no dialect-specific keyword)', () => {
    for (const tool of tools) {
      for (const io of ['input', 'output'] as const) {
        const schema = io === 'input' ? tool.inputSchema : tool.outputSchema;
        const as = (target: 'draft-7' | 'draft-2020-12') => {
          const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target, io, unrepresentable: 'any' }) as Record<string, unknown>;
          return rest;
        };
        expect(as('draft-2020-12'), `${tool.name} ${io}`).toEqual(as('draft-7'));
      }
    }
  });

  it('every advertised schema compiles under both meta-schemas, and both judge arguments alike', () => {
    const samples: Record<string, unknown[]> = {
      createMission: [{ title: 'T', goal: 'G' }, { title: '', goal: 'G' }, { title: 'T', goal: 'G', nope: 1 }, { title: 'T', goal: 'G', schedule: { type: 'cron', value: '0 9 * * 1' } }],
      listMissions: [{}, { limit: 0 }, { status: ['pending', 'active'] }],
      getMission: [{ id: 'msn_0123456789abcdefgh' }, {}],
    };
    for (const tool of tools) {
      const input = jsonSchemaOf(tool.inputSchema, 'input');
      const output = jsonSchemaOf(tool.outputSchema, 'output');
      expect(input.$schema, 'no $schema: the default dialect').toBeUndefined();
      for (const [dialect, ajv] of Object.entries(dialects)) {
        expect(() => ajv.compile(output), `${tool.name} output, ${dialect}`).not.toThrow();
        const validate = ajv.compile(input);
        for (const sample of samples[tool.name] ?? []) {
          expect(validate(sample), `${tool.name} ${JSON.stringify(sample)} under ${dialect}`).toBe(dialects['2020-12'].compile(input)(sample));
        }
      }
    }
    // and the samples are not all accepted: the comparison has teeth
    expect(dialects['draft-07'].compile(jsonSchemaOf(tools.find((t) => t.name === 'createMission')!.inputSchema, 'input'))({ title: 'T', goal: 'G', nope: 1 })).toBe(false);
  });
});
