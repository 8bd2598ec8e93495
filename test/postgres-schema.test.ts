// The PostgreSQL schema: created on first use with its version recorded, used as is by a second
// instance, and a database of a newer version refused with a clear message (no password in it).
import { afterAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_USER } from '../src/mission/access.js';
import { openStore } from '../src/store/index.js';
import { SCHEMA_VERSION } from '../src/store/postgres/schema.js';
import type { MissionStore } from '../src/store/types.js';
import { freshDatabase, sql } from './pg/db.js';

const opened: MissionStore[] = [];
const open = (url: string) => {
  const s = openStore(url, { log: () => undefined });
  opened.push(s);
  return s;
};
afterAll(async () => {
  for (const s of opened) await s.close();
});

describe('the PostgreSQL schema', () => {
  it('is created on first use, its version recorded; two instances starting at once agree', async () => {
    const url = await freshDatabase('schema');
    const [a, b] = [open(url), open(url)];
    await Promise.all([a.counts(), b.counts()]); // both create-or-check at once, under the advisory lock
    // every migration applied once, in order, though both instances started at once
    expect(await sql(url, 'SELECT version FROM missions_schema ORDER BY version')).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })));
    const tables = (await sql<{ t: string }>(url, "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).map((r) => r.t);
    expect(tables).toEqual(['changes', 'missions', 'missions_meta', 'missions_schema', 'runs', 'workers']);
    expect((await a.list({}, LOCAL_USER, new Date())).total).toBe(0);
  });

  it('a database of a newer schema is refused with a clear message, and nothing is written', async () => {
    const url = await freshDatabase('schema');
    await open(url).counts();
    await sql(url, 'INSERT INTO missions_schema (version) VALUES ($1)', [SCHEMA_VERSION + 1]);
    const newer = open(url);
    const error = await newer.write(() => ({ result: null })).then(() => undefined, (e: unknown) => e as Error & { code: string });
    expect(error?.code).toBe('store_error');
    expect(error?.message).toMatch(new RegExp(`schema is version ${SCHEMA_VERSION + 1}, newer than this missions-mcp understands \\(${SCHEMA_VERSION}\\)\\. Upgrade missions-mcp`));
    expect(error?.message).toMatch(/PostgreSQL at 127\.0\.0\.1:\d+, database "schema_/);
    expect(error?.message).not.toContain(inject('pgPassword'));
    expect(await sql(url, 'SELECT count(*)::int AS n FROM missions')).toEqual([{ n: 0 }]);
  });
});
