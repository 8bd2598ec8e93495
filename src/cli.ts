// main(argv): serve (stdio or HTTP), run, call, tools, schema, migrate, --help, --version (SPEC §10).
// Each command is a file of src/cli/; this one reads the command line and the configuration and picks
// the command. stdout carries only the protocol (serve) or the command's answer; everything for
// humans goes to stderr. src/cli/ is the one place in src/ that imports tools/index.ts.
import { UsageError, parseCommandLine, resolveConfig } from './config.js';
import { lineLogger } from './log.js';
import { PACKAGE } from './package-info.js';
import { helpText } from './cli/help.js';
import { processIo, type Io } from './cli/io.js';
import { migrate } from './cli/migrate.js';
import { runWorker } from './cli/run.js';
import { serveOverHttp } from './cli/serve-http.js';
import { serveOverStdio } from './cli/serve-stdio.js';
import { openConfiguredStore } from './cli/store.js';
import { call, listTools, printSchema } from './cli/tools.js';

export type { Io } from './cli/io.js';

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  try {
    const { command, positionals, values } = parseCommandLine(argv);
    if (values.help) return io.out(helpText(io.env)), 0;
    if (values.version) return io.out(`${PACKAGE.version}\n`), 0;
    const config = resolveConfig(values, io.env);
    switch (command) {
      case undefined:
      case 'serve':
        return await (config.transport === 'http' ? serveOverHttp(config, io) : serveOverStdio(config, io));
      case 'call':
        return await call(config, positionals, values, io);
      case 'run':
        return await runWorker(openConfiguredStore(config), config.runner, lineLogger(io.err, 'missions-mcp run'));
      case 'tools':
        return listTools(config, io);
      case 'migrate':
        return await migrate(values, io);
      case 'schema':
        return printSchema(positionals, io);
      default:
        throw new UsageError(`unknown command "${command}"; run "missions-mcp --help"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      lineLogger(io.err)(error.message);
      return 2;
    }
    throw error;
  }
}
