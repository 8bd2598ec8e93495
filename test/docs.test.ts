// The README and docs/ say what the code does. A newcomer trusts the tools table, the --read-only list
// and the configuration table; when a tool, an annotation, a flag or a variable changes, these fail
// until the text changes with it. Every relative link (and #anchor) must land on a file of the
// repository, and the README stays short enough to read in ten minutes.
import { RUN_VARIABLES } from '../src/runner/agent-env.js';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { OPTIONS } from '../src/config.js';
import { allTools, selectTools } from '../tools/index.js';
import { ROOT } from './helpers.js';

const README = join(ROOT, 'README.md');
const DOCS = join(ROOT, 'docs');
const pages = [README, ...readdirSync(DOCS).filter((f) => f.endsWith('.md')).sort().map((f) => join(DOCS, f))];
const text = new Map(pages.map((p) => [p, readFileSync(p, 'utf8')]));
const name = (file: string) => relative(ROOT, file);

/** The lines of a markdown file outside fenced code blocks (``` … ```), with their line numbers. */
function prose(md: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fenced = false;
  md.split('\n').forEach((text, i) => {
    if (/^\s*```/.test(text)) fenced = !fenced;
    else if (!fenced) out.push({ line: i + 1, text });
  });
  return out;
}

/** Paragraphs, list items and table rows outside code blocks: the units a statement is made in. */
function blocks(md: string): string[] {
  const out: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length > 0) out.push(current.join('\n'));
    current = [];
  };
  for (const { text: line } of prose(md)) {
    if (line.trim() === '') flush();
    else if (/^\s*([-*] |\d+\. |\||#)/.test(line)) {
      flush();
      current.push(line);
      if (/^\s*(\||#)/.test(line)) flush(); // a table row or a heading stands alone
    } else current.push(line);
  }
  flush();
  return out;
}

/** The body of the section under a heading (up to the next heading of the same or a higher level). */
function section(file: string, heading: string): string {
  const lines = prose(text.get(file)!);
  const start = lines.findIndex((l) => l.text.trim() === heading);
  if (start < 0) throw new Error(`${name(file)} has no heading "${heading}"`);
  const level = heading.indexOf(' ');
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l.text) && l.text.indexOf(' ') <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).map((l) => l.text).join('\n');
}

/** The first table in `body`: its rows (header and separator left out) as cells; `\|` stays inside a cell. */
function firstTable(body: string, where: string): string[][] {
  const lines = body.split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  if (start < 0) throw new Error(`${where}: no table`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, line.endsWith('|') ? -1 : undefined).split(/(?<!\\)\|/).map((c) => c.trim()));
  }
  return rows;
}

const toolNames = allTools.map((t) => t.name);
const readOnlyNames = selectTools({ readOnly: true }).map((t) => t.name);
const backticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
const toolsNamedIn = (s: string) => [...new Set(backticked(s).filter((w) => toolNames.includes(w)))].sort();

/** The variables `--help` lists without a flag (MISSIONS_TOKEN and the tuning knobs). */
async function envOnlyVariables(): Promise<string[]> {
  let out = '';
  const code = await main(['--help'], { out: (t) => void (out += t), err: () => undefined, env: {} });
  expect(code).toBe(0);
  return out
    .split('\n')
    .filter((l) => l.trim().startsWith('(no flag)'))
    .map((l) => /MISSIONS_[A-Z_]+/.exec(l)![0]);
}

describe('the README tools table', () => {
  const rows = firstTable(section(README, '## Tools'), 'README.md, "## Tools"');

  it('has one row per tool of tools/index.ts, with its read-only mark', () => {
    const table = rows.map((r) => backticked(r[0]!)[0]);
    expect(table, 'README.md "## Tools": one row per tool, named as tools/index.ts names it').toEqual([...new Set(table)]);
    expect([...table].sort(), 'README.md "## Tools": rows to add or remove').toEqual([...toolNames].sort());
    for (const r of rows) {
      const tool = allTools.find((t) => t.name === backticked(r[0]!)[0])!;
      expect(r[2], `README.md "## Tools", ${tool.name}: the read-only column`).toBe(tool.annotations.readOnlyHint ? 'yes' : 'no');
    }
  });

  it("gives each tool an example its input schema accepts", () => {
    for (const r of rows) {
      const tool = allTools.find((t) => t.name === backticked(r[0]!)[0])!;
      const example = backticked(r[3] ?? '')[0];
      expect(example, `README.md "## Tools", ${tool.name}: an example in backticks in the last column`).toBeDefined();
      const parsed = tool.inputSchema.safeParse(JSON.parse(example!));
      expect(parsed.success ? [] : parsed.error.issues, `README.md "## Tools", ${tool.name}: the example ${example}`).toEqual([]);
    }
  });
});

describe('docs/tools.md', () => {
  const file = join(DOCS, 'tools.md');

  it('has a section for every tool', () => {
    const headings = prose(text.get(file)!).filter((l) => l.text.startsWith('## ')).map((l) => l.text.slice(3).trim());
    for (const tool of toolNames) expect(headings, `docs/tools.md: a "## ${tool}" section`).toContain(tool);
  });

  it("lists every tool's annotations as the tools declare them", () => {
    const rows = firstTable(section(file, '## What every tool has'), 'docs/tools.md, "## What every tool has"');
    const yesNo = (b: boolean) => (b ? 'yes' : 'no');
    const table = rows.map((r) => [backticked(r[0]!)[0], r[2], r[3], r[4]]);
    const code = allTools.map((t) => [t.name, yesNo(t.annotations.readOnlyHint), yesNo(t.annotations.destructiveHint), yesNo(t.annotations.idempotentHint)]);
    expect(table, 'docs/tools.md: tool | does | read-only | destructive | idempotent').toEqual(code);
  });
});

describe('the --read-only list', () => {
  it('every paragraph, list item or table row that speaks of --read-only and names tools names exactly the read-only ones', () => {
    let checked = 0;
    for (const [file, md] of text) {
      for (const block of blocks(md)) {
        if (!/--read-only|MISSIONS_READ_ONLY/.test(block)) continue;
        const named = toolsNamedIn(block);
        if (named.length === 0) continue;
        checked++;
        expect(named, `${name(file)}: "${block.slice(0, 100).replace(/\s+/g, ' ')}…" names the tools --read-only offers`).toEqual([...readOnlyNames].sort());
      }
    }
    expect(checked, 'the README\'s configuration table names the read-only tools').toBeGreaterThan(0);
  });
});

describe('the README configuration table', () => {
  it('has every flag of OPTIONS with its variable, and every variable --help lists without a flag', async () => {
    const rows = firstTable(section(README, '## Configuration'), 'README.md, "## Configuration"');
    const table: Record<string, string | null> = {};
    for (const [flagCell, envCell] of rows) {
      const flags = flagCell!.match(/--[a-z][a-z-]*/g) ?? [];
      const envs = envCell!.match(/MISSIONS_[A-Z_]+/g) ?? [];
      expect(flags.length <= 1 && envs.length === 1, `README.md "## Configuration": one flag (or none) and one variable per row: ${flagCell} | ${envCell}`).toBe(true);
      table[envs[0]!] = flags[0] ?? null;
    }
    const code: Record<string, string | null> = {};
    for (const [flag, o] of Object.entries(OPTIONS)) code[o.env] = `--${flag}`;
    for (const env of await envOnlyVariables()) code[env] = null;
    expect(table, 'README.md "## Configuration" against OPTIONS (src/config.ts) and --help: variable → flag').toEqual(code);
  });

  it('every MISSIONS_… variable named in the README or docs/ is one the code reads', async () => {
    // ... or one the runner sets for an agent (src/runner/agent-env.ts)
    const known = new Set([...Object.values(OPTIONS).map((o) => o.env as string), ...(await envOnlyVariables()), ...RUN_VARIABLES]);
    for (const [file, md] of text) {
      for (const m of md.matchAll(/\bMISSIONS_[A-Z0-9_]*[A-Z0-9]/g)) expect(known, `${name(file)} names ${m[0]}`).toContain(m[0]);
    }
  });
});

describe('docs/design.md', () => {
  it('lists the members of ToolDeps as src/tool.ts declares them', () => {
    const source = readFileSync(join(ROOT, 'src', 'tool.ts'), 'utf8');
    const body = /export interface ToolDeps \{([\s\S]*?)\n\}/.exec(source)![1]!;
    const members = [...body.matchAll(/^\s+(\w+)\??:/gm)].map((m) => m[1]!).sort();
    const paragraph = blocks(text.get(join(DOCS, 'design.md'))!).find((p) => p.includes('`ToolDeps`'));
    expect(paragraph, 'docs/design.md: a paragraph about `ToolDeps`').toBeDefined();
    const listed = backticked(paragraph!).filter((w) => /^[a-z][A-Za-z]*$/.test(w));
    expect([...new Set(listed)].sort(), 'docs/design.md: the ToolDeps members').toEqual(members);
  });
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2… */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const { text: line } of prose(md)) {
    const h = /^#{1,6} (.*)$/.exec(line);
    if (!h) continue;
    const visible = h[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'); // a link in a heading: its text
    const base = visible.trim().toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

describe('links', () => {
  it('every relative link and image lands on a file inside the repository, and every #anchor on a heading', () => {
    const problems: string[] = [];
    for (const [file, md] of text) {
      for (const { line, text: l } of prose(md)) {
        const outsideCode = l.replace(/`[^`]*`/g, '');
        for (const m of outsideCode.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)) {
          const href = m[1]!;
          if (/^[a-z]+:/i.test(href)) continue; // https:, mailto:
          const [path, anchor] = href.split('#') as [string, string | undefined];
          const target = path === '' ? file : resolve(dirname(file), path);
          const where = `${name(file)}:${line} → ${href}`;
          if (target !== ROOT && !target.startsWith(ROOT + sep)) problems.push(`${where}: outside the repository`);
          else if (!existsSync(target)) problems.push(`${where}: no such file`);
          else if (anchor !== undefined && target.endsWith('.md') && !anchors(text.get(target) ?? readFileSync(target, 'utf8')).has(anchor)) {
            problems.push(`${where}: no heading with that anchor in ${name(target)}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the README links every page of docs/', () => {
    const readme = text.get(README)!;
    for (const page of pages.filter((p) => p !== README)) expect(readme, `README.md links ${name(page)}`).toContain(`](${name(page).split(sep).join('/')}`);
  });
});

describe('the pages', () => {
  it('the README is at most 400 lines', () => {
    expect(text.get(README)!.split('\n').length).toBeLessThanOrEqual(400);
  });

  it('each page of docs/ opens with a title and then a sentence on what a reader comes to it for', () => {
    for (const page of pages.filter((p) => p !== README)) {
      const [title, blank, first] = text.get(page)!.split('\n');
      expect(title, `${name(page)}: a "# " title on the first line`).toMatch(/^# \S/);
      expect(blank, `${name(page)}: a blank line after the title`).toBe('');
      expect(first, `${name(page)}: a sentence (not a heading, table, list or code) after the title`).toMatch(/^[A-Z`*]/);
    }
  });
});
