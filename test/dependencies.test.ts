// Every package the code imports is declared in package.json (a test once imported ajv, which only
// came in through other packages), in the right section: what the shipped code (src/, tools/) imports
// is a dependency; what only tests, benchmarks, the board's sources and build files import may be a
// devDependency.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|mts|mjs|js)$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .filter((f) => !f.startsWith('test/node22/'));
}

/** The packages a file imports (static and dynamic imports, type imports too), by package name. */
function importedPackages(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const names = new Set<string>();
  // the module named after `from` in an import or export, in a bare import, and in a dynamic import
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!)) continue;
    const parts = spec.split('/');
    names.add(spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
  }
  return [...names];
}

describe('package.json declares what the code imports', () => {
  const shipped = [...sources('src'), ...sources('tools')];
  const rest = [...sources('test'), ...sources('bench'), ...sources('web'), 'vite.config.ts', 'vitest.config.ts'];

  it('the shipped code imports only dependencies', () => {
    const missing = shipped.flatMap((f) => importedPackages(f).filter((p) => !(p in pkg.dependencies)).map((p) => `${f}: ${p}`));
    expect(missing).toEqual([]);
  });

  it('tests, benchmarks, the board and build files import only declared packages', () => {
    const declared = { ...pkg.dependencies, ...pkg.devDependencies };
    const missing = rest.flatMap((f) => importedPackages(f).filter((p) => !(p in declared)).map((p) => `${f}: ${p}`));
    expect(missing).toEqual([]);
  });

  it('finds the imports it checks (not vacuous)', () => {
    expect(importedPackages('test/contract.test.ts')).toContain('ajv');
    expect(importedPackages('src/store/postgres/store.ts')).toContain('pg');
    expect(shipped.length).toBeGreaterThan(50);
  });
});
