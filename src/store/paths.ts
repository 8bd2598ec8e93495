// Where the default store lives (SPEC §8): the user's data folder, never the package or npx cache.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_DIR = 'missions-mcp';
export const STORE_FILE = 'missions.json';

export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), APP_DIR);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR);
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), APP_DIR);
}

export function defaultStorePath(env: NodeJS.ProcessEnv = process.env, platform = process.platform, home = homedir()): string {
  return join(defaultDataDir(env, platform, home), STORE_FILE);
}
