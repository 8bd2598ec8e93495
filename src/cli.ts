// main(argv): serve (stdio or HTTP), run, call, tools, schema, migrate, --help, --version (SPEC §10).
// Each command is a file of src/cli/; this one reads the command line and the configuration and picks
// the command. stdout carries only the protocol (serve) or the command's answer; everything for
// humans goes to stderr. src/cli/ is the one place in src/ that imports tools/index.ts.
import { UsageError, parseCommandLine, resolveConfig } from './config.js';
import { lineLogger } from './log.js';
import { PACKAGE } from './package-info.js';
import { helpText } from './cli/help.js';
import { processIo, type Io } from './cli/io.js';

export type { Io } from './cli/io.js';

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  try {
    const { command, positionals, values } = parseCommandLine(argv);
    if (values.help) return io.out(helpText(io.env)), 0;
    if (values.version) return io.out(`${PACKAGE.version}\n`), 0;
    const config = resolveConfig(values, io.env);
    // Each command loads its own modules: --help, --version and bad usage answer in about a third of
    // the time a full load takes (the SDK, the stores, every tool), and `run` never loads the servers.
    switch (command) {
      case undefined:
      case 'serve':
        return await (config.transport === 'http'
          ? (await import('./cli/serve-http.js')).serveOverHttp(config, io)
          : (await import('./cli/serve-stdio.js')).serveOverStdio(config, io));
      case 'call':
        return await (await import('./cli/tools.js')).call(config, positionals, values, io);
      case 'run': {
        const [{ runWorker }, { openConfiguredStore }] = await Promise.all([import('./cli/run.js'), import('./cli/store.js')]);
        return await runWorker(openConfiguredStore(config), config.runner, lineLogger(io.err, 'missions-mcp run'));
      }
      case 'tools':
        return (await import('./cli/tools.js')).listTools(config, io);
      case 'migrate':
        return await (await import('./cli/migrate.js')).migrate(values, io);
      case 'schema':
        return (await import('./cli/tools.js')).printSchema(positionals, io);
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
