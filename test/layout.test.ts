// docs/design.md's "Layout" matches the tree: every file or folder it names exists, and it names every
// folder of src/, so that a room added, moved or removed shows up here until the page says so.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const design = readFileSync(join(ROOT, 'docs', 'design.md'), 'utf8');
// Up to the next heading of any level ("What moved" names the old places on purpose).
const layout = /^## Layout\n([\s\S]*?)^##/m.exec(design)?.[1] ?? '';

/** Every file and folder (with a trailing slash) under `dir`, as paths from the root. */
function tree(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true }).map((e) => {
    const path = relative(ROOT, join(e.parentPath, e.name)).split('\\').join('/');
    return e.isDirectory() ? `${path}/` : path;
  });
}

const paths = ['src/', 'tools/', 'web/', ...tree('src'), ...tree('tools')];
/** Backticked words that look like a file (`x.ts`) or a folder (`x/`, `a/b.ts`). */
const named = [...layout.matchAll(/`([\w.-]+(?:\/[\w.-]*)*)`/g)].map((m) => m[1]!).filter((w) => w.includes('/') || /\.tsx?$/.test(w));

describe('docs/design.md, Layout', () => {
  it('is there, and names files and folders (not vacuous)', () => {
    expect(layout.length).toBeGreaterThan(500);
    expect(named.length).toBeGreaterThan(30);
  });

  it('names only files and folders that exist (a name without its folder stands for one in the room it describes)', () => {
    const missing = named.filter((w) => !paths.some((p) => p === w || p.endsWith(`/${w}`)));
    expect(missing, 'named in the Layout of docs/design.md, but not in the tree').toEqual([]);
  });

  it('names every folder of src/', () => {
    const folders = tree('src').filter((p) => p.endsWith('/')).map((p) => `src/${p.slice('src/'.length)}`);
    const unnamed = folders.filter((f) => !named.some((w) => w === f || f.endsWith(`/${w}`)));
    expect(unnamed, 'folders of src/ the Layout of docs/design.md does not name').toEqual([]);
  });
});
