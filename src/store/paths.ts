// Where the default store lives (SPEC §8): the user's data folder, never the package or npx cache.
import { readlinkSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, posix, resolve, win32 } from 'node:path';

export const APP_DIR = 'missions-mcp';
export const STORE_FILE = 'missions.json';

/**
 * The data folder on `platform`, with that platform's separators (so that it can be checked for every
 * platform on any). XDG_DATA_HOME counts only when absolute, as the XDG Base Directory spec says: a
 * relative one would put the store wherever the process happens to start.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') return win32.join(env.APPDATA || win32.join(home, 'AppData', 'Roaming'), APP_DIR);
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', APP_DIR);
  const xdg = env.XDG_DATA_HOME;
  return posix.join(xdg && posix.isAbsolute(xdg) ? xdg : posix.join(home, '.local', 'share'), APP_DIR);
}

export function defaultStorePath(env: NodeJS.ProcessEnv = process.env, platform = process.platform, home = homedir()): string {
  return (platform === 'win32' ? win32 : posix).join(defaultDataDir(env, platform, home), STORE_FILE);
}

/**
 * The store's real path, resolved once when it is opened (issue 9): a store reached through a symlink
 * keeps its journal and lock beside the real file, and a new snapshot replaces the real file rather than
 * the link, so that processes using the link and the target share one store. A file not yet created
 * resolves through its folder (or through the link, if it is a link to a file not yet created).
 */
export function realStorePath(path: string): string {
  let target = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    try {
      return realpathSync(target);
    } catch {
      // missing: a dangling link points somewhere; follow it by hand
    }
    let link: string;
    try {
      link = readlinkSync(target);
    } catch {
      break; // not a link: the file does not exist yet
    }
    target = resolve(dirname(target), link);
  }
  try {
    return join(realpathSync(dirname(target)), basename(target));
  } catch {
    return target; // its folder does not exist yet either: it is created as given
  }
}
