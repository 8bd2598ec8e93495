// `missions-mcp migrate --from FILE --to STORE`: copies a JSON store into an empty store (a PostgreSQL
// database); the copy itself is src/store/migrate.ts.
import { existsSync } from 'node:fs';
import { UsageError } from '../config.js';
import { MissionError } from '../errors.js';
import { lineLogger } from '../log.js';
import { openJsonFileStore, openStore } from '../store/index.js';
import { MigrateRefused, copyStore } from '../store/migrate.js';
import { isPostgresUrl } from '../store/postgres/target.js';
import type { Io } from './io.js';

export async function migrate(values: Record<string, unknown>, io: Io): Promise<number> {
  const from = values.from as string | undefined;
  const to = values.to as string | undefined;
  if (!from || !to) throw new UsageError('migrate needs --from FILE (a JSON store) and --to STORE (e.g. postgres://user:pass@host:5432/db)');
  if (from === ':memory:' || isPostgresUrl(from)) throw new UsageError('--from must be a JSON store file');
  if (!existsSync(from)) throw new UsageError(`--from ${from}: no such file`);
  const source = openJsonFileStore(from);
  const target = openStore(to);
  const log = lineLogger(io.err, 'missions-mcp migrate');
  try {
    const { missions, runs } = await copyStore(source, target, log);
    log(`copied ${missions} missions and ${runs} runs from ${source.location} to ${target.location}`);
    return 0;
  } catch (error) {
    if (!(error instanceof MigrateRefused) && !(error instanceof MissionError)) throw error;
    log(`${error.message}${error instanceof MigrateRefused ? '' : ' The copy may be partial: drop the tables of the target (or use a new database) and run migrate again.'}`);
    return 1;
  } finally {
    await source.close().catch(() => undefined);
    await target.close().catch(() => undefined);
  }
}
