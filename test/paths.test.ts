// SPEC §8: where the default store lives on each platform, checked for all three on any machine
// (the platform, its environment and the home folder are arguments).
import { describe, expect, it } from 'vitest';
import { defaultDataDir, defaultStorePath } from '../src/store/paths.js';

const LINUX_HOME = '/home/ada';
const MAC_HOME = '/Users/ada';
const WIN_HOME = 'C:\\Users\\ada';

describe('defaultDataDir (SPEC §8)', () => {
  it.each([
    ['linux', {}, LINUX_HOME, '/home/ada/.local/share/missions-mcp'],
    ['linux', { XDG_DATA_HOME: '/data/xdg' }, LINUX_HOME, '/data/xdg/missions-mcp'],
    ['linux', { XDG_DATA_HOME: '' }, LINUX_HOME, '/home/ada/.local/share/missions-mcp'],
    // a relative XDG_DATA_HOME is ignored (XDG Base Directory spec): the store must not move with the working folder
    ['linux', { XDG_DATA_HOME: 'relative/share' }, LINUX_HOME, '/home/ada/.local/share/missions-mcp'],
    ['freebsd', { XDG_DATA_HOME: '/data/xdg' }, '/usr/home/ada', '/data/xdg/missions-mcp'],
    ['darwin', {}, MAC_HOME, '/Users/ada/Library/Application Support/missions-mcp'],
    // macOS has its own folder, whatever XDG says
    ['darwin', { XDG_DATA_HOME: '/data/xdg' }, MAC_HOME, '/Users/ada/Library/Application Support/missions-mcp'],
    ['win32', { APPDATA: 'D:\\Profiles\\ada\\Roaming' }, WIN_HOME, 'D:\\Profiles\\ada\\Roaming\\missions-mcp'],
    ['win32', {}, WIN_HOME, 'C:\\Users\\ada\\AppData\\Roaming\\missions-mcp'],
    ['win32', { XDG_DATA_HOME: '/data/xdg' }, WIN_HOME, 'C:\\Users\\ada\\AppData\\Roaming\\missions-mcp'],
  ] as const)('%s with %j and home %s: %s', (platform, env, home, expected) => {
    expect(defaultDataDir(env, platform, home)).toBe(expected);
  });

  it('the store is missions.json in it, with the platform\'s separator', () => {
    expect(defaultStorePath({}, 'linux', LINUX_HOME)).toBe('/home/ada/.local/share/missions-mcp/missions.json');
    expect(defaultStorePath({}, 'darwin', MAC_HOME)).toBe('/Users/ada/Library/Application Support/missions-mcp/missions.json');
    expect(defaultStorePath({ APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32', WIN_HOME)).toBe('C:\\Users\\ada\\AppData\\Roaming\\missions-mcp\\missions.json');
  });
});
