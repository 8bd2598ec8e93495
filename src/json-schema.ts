// The JSON Schemas clients see, made from the same zod schemas that validate. Every agent session pays
// for tools/list in tokens, so the advertised form is tightened without changing what it accepts, and a
// schema may be marked to be advertised in a shorter form (validation always uses the full zod schema).
import { z } from 'zod';

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

const edits = new WeakMap<object, (schema: Node) => void>();

/** Advertise `schema` edited by `edit`; what the tool accepts is still decided by `schema` itself. */
export function advertised<T extends z.ZodType>(schema: T, edit: (schema: Node) => void): T {
  edits.set(schema, edit);
  return schema;
}

/**
 * An object advertised without its fields, because its description points at the tool that lists
 * them (updateMission's brief is createMission's brief). Unknown fields are still rejected by name.
 */
export const fieldsElsewhere = <T extends z.ZodType>(schema: T): T =>
  advertised(schema, (s) => {
    delete s.properties;
    delete s.required;
    delete s.additionalProperties;
  });

const LIMITS_SAID = 'x-limits-in-description';

/**
 * A schema whose description (or its tool's) states the limits of everything inside it, so that its
 * fields are advertised without length, size and range bounds (validation still enforces them).
 */
export const limitsInDescription = <T extends z.ZodType>(schema: T): T => advertised(schema, (s) => void (s[LIMITS_SAID] = true));

const KEEP_LIMITS = 'x-keep-limits';

/** A field whose bounds stay advertised inside a `limitsInDescription` object (a page size, say). */
export const keepLimits = <T extends z.ZodType>(schema: T): T => advertised(schema, (s) => void (s[KEEP_LIMITS] = true));

function stripLimits(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(stripLimits);
  if (!isNode(node) || node[KEEP_LIMITS]) return;
  for (const bound of ['minLength', 'maxLength', 'minItems', 'maxItems', 'minimum', 'maximum', 'exclusiveMinimum']) delete node[bound];
  for (const key of ['items', 'anyOf', 'additionalProperties']) stripLimits(node[key]);
  if (isNode(node.properties)) Object.values(node.properties).forEach(stripLimits);
}

/** JSON Schema for a tool's input or output, as clients see it (draft-07, which every client reads). */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, {
    target: 'draft-7',
    io,
    unrepresentable: 'any',
    override: (ctx) => edits.get(ctx.zodSchema)?.(ctx.jsonSchema as Node),
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
  if (out[LIMITS_SAID]) {
    delete out[LIMITS_SAID];
    stripLimits(out);
  }
  if (root) dropMarkers(out);
  if (out.minLength === 0) delete out.minLength;
  if (out.maximum === Number.MAX_SAFE_INTEGER) delete out.maximum;
  if (out.minimum === Number.MIN_SAFE_INTEGER) delete out.minimum;
  if (isNode(out.additionalProperties) && Object.keys(out.additionalProperties).length === 0) delete out.additionalProperties;
  if (out.additionalProperties === false && !root) delete out.additionalProperties;
  if (Array.isArray(out.enum) && out.type === 'string' && out.enum.every((v) => typeof v === 'string')) delete out.type;
  return out;
}

function dropMarkers(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(dropMarkers);
  if (!isNode(node)) return;
  delete node[KEEP_LIMITS];
  Object.values(node).forEach(dropMarkers);
}

/** A string advertised without its maxLength: its format or description already bounds it. */
export const lengthImplied = <T extends z.ZodType>(schema: T): T => advertised(schema, (s) => delete s.maxLength);
