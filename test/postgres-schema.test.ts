// The PostgreSQL schema: created on first use with its version recorded, used as is by a second
// instance, and a database of a newer version refused with a clear message (no password in it).
import { afterAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_USER } from '../src/mission/access.js';
import { openStore } from '../src/store/index.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../src/store/postgres/schema.js';
import { missionUpserts } from '../src/store/postgres/rows.js';
import { newImportId, newMissionId } from '../src/ids.js';
import { newMission } from '../src/mission/build.js';
import { CreateMissionInput } from '../src/mission/input.js';
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

  it('a schema 1 database is migrated forward on first use: its missions kept, the change log by transaction id working', async () => {
    const url = await freshDatabase('schema');
    const m = newMission(CreateMissionInput.parse({ title: 'from schema 1', goal: 'g' }), { now: new Date(), newImportId, id: newMissionId(), owner: { user: 'local', org: null } });
    // The database as schema 1 left it: its tables, its version row, one mission and one change.
    await sql(url, 'CREATE TABLE missions_schema (version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now())');
    await sql(url, MIGRATIONS[0] as string);
    await sql(url, 'INSERT INTO missions_schema (version) VALUES (1)');
    const [insert] = missionUpserts([m]);
    await sql(url, insert!.text, insert!.values);
    await sql(url, "UPDATE missions_meta SET value = 1 WHERE key = 'version'");
    await sql(url, 'INSERT INTO changes (version, mission_id, before, after) VALUES (1, $1, NULL, NULL)', [m.id]);

    const store = open(url);
    const { version } = await store.changesSince(undefined);
    expect((await store.get(m.id))?.title).toBe('from schema 1');
    expect((await sql(url, 'SELECT version FROM missions_schema ORDER BY version')).map((r) => r.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    await store.write(async (v) => ({ put: [{ ...(await v.get(m.id))!, title: 'renamed on schema 2' }], result: null }));
    const after = await store.changesSince(version);
    console.log(`schema 1 -> ${SCHEMA_VERSION}: mission kept; changesSince(${version}) after a rename: ${JSON.stringify(after)}`);
    expect(after.changes?.map((c) => c.id)).toEqual([m.id]);
  });

  it('a schema 3 database is migrated to folded text: its search, platforms and title order as a store of today writes them', async () => {
    const url = await freshDatabase('schema');
    await sql(url, 'CREATE TABLE missions_schema (version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now())');
    for (const step of MIGRATIONS.slice(0, 3)) await sql(url, step as string);
    await sql(url, 'INSERT INTO missions_schema (version) SELECT generate_series(1, 3)');
    const titles = ['Straße', 'ſtar', 'ΟΔΟΣ', 'plain ascii', '\uFF01 bang', '😀 smile'];
    const missions = titles.map((title, i) =>
      newMission(CreateMissionInput.parse({ title, goal: 'g', plan: { platforms: [title] } }), { now: new Date(Date.UTC(2026, 0, 1, 0, i)), newImportId, id: newMissionId(), owner: { user: 'local', org: null } }),
    );
    for (const insert of missionUpserts(missions)) await sql(url, insert.text, insert.values);
    // What schema 3's code wrote: lower case, not folded.
    for (const m of missions) {
      await sql(url, 'UPDATE missions SET search = $2, platforms = $3, title_key = $4 WHERE id = $1', [m.id, `${m.title}\n${m.goal}`.toLowerCase(), [m.title.toLowerCase()], m.title.toLowerCase()]);
    }
    const rows = () => sql<{ id: string; doc: string; xmin: string }>(url, 'SELECT id, doc::text AS doc, xmin::text FROM missions ORDER BY id');
    const before = await rows();
    const store = open(url);
    const found = async (input: Parameters<MissionStore['list']>[0]) => (await store.list(input, LOCAL_USER, new Date())).missions.map((m) => m.title);
    expect(await found({ query: 'SS' })).toEqual(['Straße']);
    expect(await found({ query: 'STAR' })).toEqual(['ſtar']);
    expect(await found({ query: 'οδοσ' })).toEqual(['ΟΔΟΣ']);
    expect(await found({ platform: 'STRASSE' })).toEqual(['Straße']);
    expect(await found({ sort: 'title', order: 'asc' })).toEqual(['plain ascii', 'ſtar', 'Straße', 'ΟΔΟΣ', '\uFF01 bang', '😀 smile']);
    // The documents themselves were not rewritten; only the rows whose fold differs from lower case were touched.
    const after = await rows();
    expect(after.map((r) => r.doc)).toEqual(before.map((r) => r.doc));
    const rewritten = after.filter((r) => r.xmin !== before.find((b) => b.id === r.id)!.xmin).map((r) => r.id);
    expect(rewritten.sort()).toEqual(missions.slice(0, 3).map((m) => m.id).sort());
    expect(await sql(url, 'SELECT max(version) AS v FROM missions_schema')).toEqual([{ v: SCHEMA_VERSION }]);
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
