// Configuration (SPEC §11): every flag has an environment variable; a flag wins over its variable.
import { parseArgs } from 'node:util';
import type { Mode } from './mission/input.js';
import { defaultStorePath } from './store/paths.js';

export class UsageError extends Error {}

export interface Config {
  store: string;
  outputMode: Mode;
  transport: 'stdio' | 'http';
  readOnly: boolean;
}

/** The options of `serve` (and of `call`, which opens the same store). */
export const OPTIONS = {
  store: { type: 'string', env: 'MISSIONS_STORE', help: 'store file (default: the user data folder, see below)' },
  'output-mode': { type: 'string', env: 'MISSIONS_OUTPUT_MODE', help: 'default output mode: full or compact (default full)' },
  transport: { type: 'string', env: 'MISSIONS_TRANSPORT', help: 'stdio (default); http is not available yet' },
  'read-only': { type: 'boolean', env: 'MISSIONS_READ_ONLY', help: 'offer only the tools that change nothing' },
} as const;

export type OptionName = keyof typeof OPTIONS;

function parseBoolean(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['', '0', 'false', 'no', 'off'].includes(v)) return false;
  throw new UsageError(`${name} must be true or false, not "${value}"`);
}

export function resolveConfig(values: Partial<Record<OptionName, string | boolean>>, env: NodeJS.ProcessEnv): Config {
  const pick = (name: OptionName): string | boolean | undefined => {
    if (values[name] !== undefined) return values[name];
    const raw = env[OPTIONS[name].env];
    if (raw === undefined || raw === '') return undefined;
    return OPTIONS[name].type === 'boolean' ? parseBoolean(OPTIONS[name].env, raw) : raw;
  };
  const outputMode = (pick('output-mode') as string | undefined) ?? 'full';
  if (outputMode !== 'full' && outputMode !== 'compact') {
    throw new UsageError(`--output-mode (MISSIONS_OUTPUT_MODE) must be full or compact, not "${outputMode}"`);
  }
  const transport = (pick('transport') as string | undefined) ?? 'stdio';
  if (transport !== 'stdio' && transport !== 'http') {
    throw new UsageError(`--transport (MISSIONS_TRANSPORT) must be stdio or http, not "${transport}"`);
  }
  return {
    store: (pick('store') as string | undefined) ?? defaultStorePath(env),
    outputMode,
    transport,
    readOnly: (pick('read-only') as boolean | undefined) ?? false,
  };
}

export interface ParsedCommand {
  command: string | undefined;
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

/** Parses argv for every command; unknown flags are usage errors. */
export function parseCommandLine(argv: string[]): ParsedCommand {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ...Object.fromEntries(Object.entries(OPTIONS).map(([k, o]) => [k, { type: o.type }])),
        'input-json': { type: 'string' },
        mode: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
    const [command, ...rest] = positionals;
    return { command, positionals: rest, values };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
