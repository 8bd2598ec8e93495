// The MCP client configuration a run's agent gets (SPEC §16): one server, "missions", that is this
// missions-mcp over stdio on the same store, started with the run's MISSION_RUN_ID so that it acts as
// the mission's owner for that run only (src/run/agent-caller.ts). It is written to a private folder
// (0700, the file 0600) made for the run, and removed when the run ends.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The missions-mcp entry point; from TypeScript sources (tests), the build's copy of it. */
export const MISSIONS_BIN = import.meta.url.endsWith('.ts') ? join(here, '..', '..', 'dist', 'src', 'bin.js') : join(here, '..', 'bin.js');

/** The placeholder an agents-file command may use for the configuration's path. */
export const MCP_CONFIG_PLACEHOLDER = '{mcpConfig}';

export interface RunConfigInput {
  runId: string;
  /** The store as the agent may know it: a path, or a URL without its password. */
  store: string;
  /** A PostgreSQL password file of the worker's (PGPASSFILE), so the agent's server can connect without a password in its URL. */
  pgPassFile?: string | undefined;
  /** The folder temporary files go in (the OS's by default). */
  tmp?: string;
}

export interface RunConfig {
  /** The configuration file, for MISSIONS_MCP_CONFIG and {mcpConfig}. */
  path: string;
  /** Removes the file and its folder; safe to call twice. */
  remove(): void;
}

export function mcpConfigFor(input: Pick<RunConfigInput, 'runId' | 'store' | 'pgPassFile'>): unknown {
  const env: Record<string, string> = { MISSION_RUN_ID: input.runId };
  if (input.pgPassFile) env.PGPASSFILE = input.pgPassFile;
  return { mcpServers: { missions: { command: process.execPath, args: [MISSIONS_BIN, 'serve', '--store', input.store], env } } };
}

export function writeRunConfig(input: RunConfigInput): RunConfig {
  const dir = mkdtempSync(join(input.tmp ?? tmpdir(), 'missions-run-'));
  const path = join(dir, 'mcp.json');
  writeFileSync(path, `${JSON.stringify(mcpConfigFor(input), null, 2)}\n`, { mode: 0o600 });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An agents-file argv with the runner's placeholders filled in (mission fields never reach argv). */
export const fillPlaceholders = (argv: readonly string[], mcpConfig: string): string[] => argv.map((a) => a.split(MCP_CONFIG_PLACEHOLDER).join(mcpConfig));
