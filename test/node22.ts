// The MCP conformance suite and the MCP Inspector's CLI need Node 22 (the suite imports fs.globSync;
// the Inspector and three of its dependencies say node >= 22 in their engines). The project runs on
// Node 20, so these two tools are not devDependencies: they, and a Node 22 to run them (the `node`
// package), are a small project of their own in test/node22, installed from its lock file into
// node_modules/.cache when a test first needs them, and kept there. `npm ci` of the project then
// downloads no second Node, prints no engine warnings, and puts no `node` in node_modules/.bin
// (docs/testing.md, "Node 22 tools").
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

const SOURCE = join(ROOT, 'test', 'node22');
/** How long a first install may take (it downloads about 130 MB, most of it Node 22). */
export const INSTALL_TIMEOUT_MS = 600_000;

export interface Node22Tools {
  /** The Node 22 binary. */
  node: string;
  nodeVersion: string;
  /** The conformance suite's CLI entry. */
  suite: string;
  suiteVersion: string;
  /** The Inspector's launcher (`--cli`). */
  inspector: string;
  inspectorVersion: string;
}

const version = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version as string;

function toolsIn(dir: string): Node22Tools {
  const modules = join(dir, 'node_modules');
  return {
    node: join(modules, 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node'),
    nodeVersion: version(join(modules, 'node')),
    suite: join(modules, '@modelcontextprotocol', 'conformance', 'dist', 'index.js'),
    suiteVersion: version(join(modules, '@modelcontextprotocol', 'conformance')),
    inspector: join(modules, '@modelcontextprotocol', 'inspector', 'clients', 'launcher', 'build', 'index.js'),
    inspectorVersion: version(join(modules, '@modelcontextprotocol', 'inspector')),
  };
}

let installing: Promise<Node22Tools> | undefined;

/**
 * The tools, installed if they are not yet (once per version of test/node22's lock file). A folder is
 * used only once its install finished: it is made under another name and renamed into place.
 */
export function node22Tools(): Promise<Node22Tools> {
  installing ??= install();
  return installing;
}

async function install(): Promise<Node22Tools> {
  const files = ['package.json', 'package-lock.json'];
  const hash = createHash('sha256');
  for (const f of files) hash.update(readFileSync(join(SOURCE, f)));
  const cacheRoot = join(ROOT, 'node_modules', '.cache', 'missions-mcp');
  const home = join(cacheRoot, `node22-${hash.digest('hex').slice(0, 12)}`);
  const done = join(home, '.installed');
  if (existsSync(done)) return toolsIn(home);

  mkdirSync(cacheRoot, { recursive: true });
  const draft = mkdtempSync(join(cacheRoot, 'node22-draft-'));
  try {
    for (const f of files) writeFileSync(join(draft, f), readFileSync(join(SOURCE, f)));
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      execFile('npm', ['ci', '--no-audit', '--no-fund'], { cwd: draft, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 16 << 20 }, (error, _stdout, stderr) => {
        if (!error) return resolve();
        const last = stderr.trim().split('\n').at(-1) ?? '';
        reject(new Error(`Cannot install the Node 22 tools this test needs: npm ci in ${draft} failed (${error.message.split('\n')[0]}; ${last}). It needs the npm registry once; see docs/testing.md.`));
      });
    });
    const tools = toolsIn(draft);
    if (!existsSync(tools.node)) throw new Error(`Cannot install the Node 22 tools this test needs: npm ci left no ${tools.node}. See docs/testing.md.`);
    writeFileSync(join(draft, '.installed'), `installed in ${Date.now() - started} ms\n`);
    try {
      renameSync(draft, home);
    } catch (error) {
      if (!existsSync(done)) throw error; // else another test process installed it meanwhile: use that one
    }
  } finally {
    rmSync(draft, { recursive: true, force: true });
  }
  return toolsIn(home);
}
