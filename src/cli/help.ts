// `missions-mcp --help`: the commands, then every option with its environment variable (from the
// option table itself, so the two cannot disagree), the default store here, and the exit codes.
import { OPTIONS } from '../config.js';
import { PACKAGE } from '../package-info.js';
import { defaultStorePath } from '../store/paths.js';

export function helpText(env: NodeJS.ProcessEnv): string {
  const rows: [string, string, string][] = [
    ...Object.entries(OPTIONS).map(([name, o]): [string, string, string] => [`--${name}${o.type === 'string' ? ' VALUE' : ''}`, o.env, o.help]),
    ['(no flag)', 'MISSIONS_TOKEN', 'http: one bearer token, user "default", org null'],
    ['(no flag)', 'MISSIONS_COMPACT_AT_BYTES', 'tuning: fold the journal into the snapshot past this size (default 4194304)'],
    ['(no flag)', 'MISSIONS_STOP_GRACE', 'run: seconds a running agent gets to finish on SIGTERM (default 30)'],
  ];
  const [w1, w2] = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length)) + 1);
  const flags = rows.map(([flag, env, help]) => `  ${flag.padEnd(w1!)}${env.padEnd(w2!)}${help}`).join('\n');
  return `${PACKAGE.name} ${PACKAGE.version} — an MCP server that keeps durable, schedulable missions for AI agents.

Usage:
  missions-mcp [serve] [options]            serve MCP over stdio (the default)
  missions-mcp serve --transport http [--host 127.0.0.1] [--port 3333] [options]
                                            serve Streamable HTTP at /mcp, legacy SSE at /sse, GET /healthz
  missions-mcp serve --runner [options]     also run due missions in the server process (stdio or http)
  missions-mcp run [--agents FILE] [--concurrency 2] [--lease 60] [--max-depth 3] [--once] [options]
                                            a worker: runs due missions with the agents' commands until SIGTERM
                                            (--once: what is due now, then exit 0 if all succeeded, else 1);
                                            slots go round robin over the owners with due work;
                                            --only-user USER / --only-org ORG: one tenant's missions only
  missions-mcp call <tool> --input-json '<json>' [--mode full|compact] [options]
                                            call one tool; prints its result JSON (exit 0, 1 on a tool error)
  missions-mcp migrate --from FILE --to postgres://user:pass@host:5432/db
                                            copy a JSON store (missions, runs, output) into an empty PostgreSQL store
  missions-mcp tools [--read-only]          list the tools, one line each
  missions-mcp schema <tool>                print the tool's input and output JSON Schemas
  missions-mcp --help | --version

Options (flag, environment variable; a flag wins):
${flags}

Default store here: ${defaultStorePath(env)}
Exit codes: 0 success, 1 tool error (or a failed run with run --once), 2 bad usage. Logs go to stderr; stdout carries only the protocol or the answer.
`;
}
