// The JSON Schemas clients see, made from the same zod schemas that validate. Every agent session pays
// for tools/list in tokens, so the advertised form is tightened without changing what it accepts, and a
// schema may carry hints to be advertised in a shorter form (validation always uses the full zod schema).
import { z } from 'zod';

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

// Advertising hints: the domain writes them as zod metadata (`.meta({ advertiseWithout: ['pattern'] })`)
// and imports nothing from here; this layer reads them while it makes the JSON Schema and removes them.
// Validation always uses the full zod schema.
declare module 'zod' {
  interface GlobalMeta {
    /** Keywords left out of the advertised form, because a description or format already says them
     * (`pattern` of an id, `maxLength` of a time, `properties` of an object another tool lists). */
    advertiseWithout?: string[];
    /** Its description (or its tool's) states the limits of everything inside it, so that its fields
     * are advertised without length, size and range bounds. */
    limitsInDescription?: true;
    /** A field whose bounds stay advertised inside a `limitsInDescription` object (a page size, say). */
    keepLimits?: true;
  }
}

/** Removes the keywords `advertiseWithout` names, then the hint itself. */
function leaveOut(schema: Node): void {
  const without = schema.advertiseWithout;
  if (!Array.isArray(without)) return;
  for (const key of without) delete schema[key as string];
  delete schema.advertiseWithout;
}

function stripLimits(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(stripLimits);
  if (!isNode(node) || node.keepLimits) return;
  for (const bound of ['minLength', 'maxLength', 'minItems', 'maxItems', 'minimum', 'maximum', 'exclusiveMinimum']) delete node[bound];
  for (const key of ['items', 'anyOf', 'additionalProperties']) stripLimits(node[key]);
  if (isNode(node.properties)) Object.values(node.properties).forEach(stripLimits);
}

/**
 * JSON Schema for a tool's input or output, as clients see it: JSON Schema 2020-12, the dialect MCP
 * 2025-11-25 and 2026-07-28 assume when a schema names none. No `$schema` is written (it costs tokens
 * and says the default). Our schemas use no keyword whose meaning differs between 2020-12 and draft-07
 * (no tuples, no $defs), so 2025-06-18 and older clients, whose validators read draft-07, read the very
 * same text: test/schema-dialect.test.ts checks both, and that the 2020-12 and draft-07 outputs of zod
 * are the same bytes.
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    override: (ctx) => leaveOut(ctx.jsonSchema as Node),
  }) as Node;
  const { $schema: _ignored, ...rest } = generated;
  return tighten(rest) as Record<string, unknown>;
}

/**
 * The same schema in fewer tokens: a nullable `anyOf: [X, {type: null}]` becomes X with
 * `type: [X.type, "null"]`; `minLength: 0`, the safe-integer bounds and an empty
 * `additionalProperties: {}` go (they say nothing); a string `enum` drops its redundant `type`.
 * Nested objects drop `additionalProperties: false`: the top level keeps it, and every unknown field
 * at any depth is still rejected by name, with a hint (createMission's description says so).
 */
export function tighten(node: unknown, root = true): unknown {
  if (Array.isArray(node)) return node.map((n) => tighten(n, false));
  if (!isNode(node)) return node;
  const out: Node = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && isNode(value)) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tighten(v, false)]));
    else out[key] = tighten(value, false);
  }
  const anyOf = out.anyOf;
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const nullIndex = anyOf.findIndex((s) => isNode(s) && s.type === 'null' && Object.keys(s).length === 1);
    const other = anyOf[1 - nullIndex];
    if (nullIndex >= 0 && isNode(other) && typeof other.type === 'string' && other.anyOf === undefined && other.enum === undefined) {
      const { anyOf: _anyOf, ...own } = out;
      return tighten({ ...own, ...other, type: [other.type, 'null'] }, root);
    }
  }
  if (out.limitsInDescription) {
    delete out.limitsInDescription;
    stripLimits(out);
  }
  if (root) dropMarkers(out);
  if (out.minLength === 0) delete out.minLength;
  if (out.maximum === Number.MAX_SAFE_INTEGER) delete out.maximum;
  if (out.minimum === Number.MIN_SAFE_INTEGER) delete out.minimum;
  if (isNode(out.additionalProperties) && Object.keys(out.additionalProperties).length === 0) delete out.additionalProperties;
  if (out.additionalProperties === false && !root) delete out.additionalProperties;
  if (Array.isArray(out.enum) && out.type === 'string' && out.enum.every((v) => typeof v === 'string')) delete out.type;
  // The description first, whichever way the schema was built: one order, a reader meets the meaning first.
  return typeof out.description === 'string' ? { description: out.description, ...out } : out;
}

function dropMarkers(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(dropMarkers);
  if (!isNode(node)) return;
  delete node.keepLimits;
  Object.values(node).forEach(dropMarkers);
}
