// The tool list from a shell: `tools` (one line each), `schema <tool>` (its JSON Schemas) and
// `call <tool>` (one call, its result JSON on stdout: exit 0, or 1 on a tool error).
import { UsageError, type Config } from '../config.js';
import { callTool, jsonSchemaOf } from '../dispatch.js';
import { lineLogger } from '../log.js';
import { allTools, selectTools } from '../../tools/index.js';
import type { Io } from './io.js';
import { configuredDeps, openConfiguredStore } from './store.js';

function findTool(name: string | undefined) {
  const tool = allTools.find((t) => t.name === name);
  if (!tool) throw new UsageError(`unknown tool "${name ?? ''}"; run "missions-mcp tools" to see them`);
  return tool;
}

export function listTools(config: Config, io: Io): number {
  // the first sentence; a one-sentence description keeps its own full stop, not two
  for (const t of selectTools({ readOnly: config.readOnly })) io.out(`${t.name.padEnd(15)} ${t.description.split('. ')[0]!.replace(/\.$/, '')}.\n`);
  return 0;
}

export function printSchema(positionals: string[], io: Io): number {
  const tool = findTool(positionals[0]);
  io.out(`${JSON.stringify({ name: tool.name, inputSchema: jsonSchemaOf(tool.inputSchema, 'input'), outputSchema: jsonSchemaOf(tool.outputSchema, 'output') }, null, 2)}\n`);
  return 0;
}

export async function call(config: Config, positionals: string[], values: Record<string, unknown>, io: Io): Promise<number> {
  const tool = findTool(positionals[0]);
  if (config.readOnly && !tool.annotations.readOnlyHint) throw new UsageError(`${tool.name} changes missions; it is not offered with --read-only`);
  // The arguments come as --input-json or as the one positional after the tool name, not both.
  const [, positional, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected arguments after ${tool.name}: ${extra.join(' ')}; give the input as one JSON object`);
  if (positional !== undefined && values['input-json'] !== undefined) throw new UsageError('give the input either as --input-json or as the argument after the tool name, not both');
  const raw = positional ?? (values['input-json'] as string | undefined);
  let input: Record<string, unknown> = {};
  if (raw !== undefined) {
    const from = positional !== undefined ? 'the input after the tool name' : '--input-json';
    try {
      input = JSON.parse(String(raw)) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`${from} is not valid JSON: ${(error as Error).message}`);
    }
    if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new UsageError(`${from} must be a JSON object`);
  }
  if (values.mode !== undefined) {
    if (values.mode !== 'full' && values.mode !== 'compact') throw new UsageError(`--mode must be full or compact, not "${String(values.mode)}"`);
    input = { ...input, mode: values.mode };
  }
  const store = openConfiguredStore(config);
  const deps = configuredDeps(config, store, io.env);
  const result = await callTool(tool, input, deps, lineLogger(io.err));
  await store.close().catch(() => undefined);
  const first = result.content[0];
  io.out(`${first && first.type === 'text' ? first.text : '{}'}\n`);
  return result.isError ? 1 : 0;
}
