// The PostgreSQL schema, created on first use and migrated forward one step at a time under an
// advisory lock (several instances may start at once). Its version is recorded in missions_schema;
// a database whose schema is newer than this code is refused rather than misread.
import type { PoolClient } from 'pg';
import { MissionError } from '../../errors.js';
import type { Mission } from '../../mission/model.js';
import { foldedColumns } from './rows.js';
import type { Target } from './target.js';

/** A step of the schema: SQL, or (for what only TypeScript computes) a function run in the same transaction. */
export type Migration = string | ((client: PoolClient) => Promise<void>);

/** Rows read and rewritten at a time by refold. */
const REFOLD_BATCH = 1000;

/**
 * Schema 4: the search text, platform names and title sort key case-folded by src/mission/text.ts
 * (Unicode full case folding) instead of lower-cased. Only TypeScript folds, so the rows are read in id
 * order, a batch at a time, and those whose folded columns differ (text with ß, ſ, final ς, İ, …;
 * never all-ASCII text) rewritten; the documents themselves are not touched.
 */
async function refold(client: PoolClient): Promise<void> {
  let after = '';
  for (;;) {
    const { rows } = await client.query<{ id: string; doc: Mission; search: string; platforms: string[]; title_key: string }>(
      'SELECT id, doc, search, platforms, title_key FROM missions WHERE id > $1 ORDER BY id LIMIT $2',
      [after, REFOLD_BATCH],
    );
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
    const changed = rows
      .map((r) => ({ id: r.id, before: r, ...foldedColumns(r.doc) }))
      .filter((r) => r.search !== r.before.search || r.titleKey !== r.before.title_key || JSON.stringify(r.platforms) !== JSON.stringify(r.before.platforms));
    if (changed.length === 0) continue;
    await client.query(
      'UPDATE missions m SET search = v.search, platforms = v.platforms, title_key = v.title_key ' +
        'FROM json_to_recordset($1::json) AS v(id text, search text, platforms text[], title_key text) WHERE m.id = v.id COLLATE "C"',
      [JSON.stringify(changed.map((r) => ({ id: r.id, search: r.search, platforms: r.platforms, title_key: r.titleKey })))],
    );
  }
}

/** Text columns compare byte-wise (COLLATE "C"): UTF-8 bytes, which order as code points (compareCodePoints). */
export const MIGRATIONS: Migration[] = [
  `
  CREATE TABLE missions_meta (key text PRIMARY KEY, value bigint NOT NULL);
  INSERT INTO missions_meta (key, value) VALUES ('version', 0), ('forgotten', 0);
  CREATE TABLE missions (
    id text COLLATE "C" PRIMARY KEY,
    doc json NOT NULL,
    status text NOT NULL,
    runnable boolean NOT NULL,
    owner_user text NOT NULL,
    owner_org text,
    visibility text NOT NULL,
    agent_type text NOT NULL,
    space_id text,
    character_id text,
    platforms text[] NOT NULL,
    search text NOT NULL,
    created_at text COLLATE "C" NOT NULL,
    updated_at text COLLATE "C" NOT NULL,
    next_run text COLLATE "C",
    next_run_ms double precision,
    title_key text COLLATE "C" NOT NULL
  );
  CREATE INDEX missions_created ON missions (created_at, id);
  CREATE INDEX missions_updated ON missions (updated_at, id);
  CREATE INDEX missions_next_run ON missions (next_run, id);
  CREATE INDEX missions_title ON missions (title_key, id);
  CREATE INDEX missions_owner ON missions (owner_user, owner_org);
  CREATE INDEX missions_shared ON missions (visibility, owner_org) WHERE visibility <> 'private';
  CREATE INDEX missions_due ON missions (next_run_ms) WHERE status = 'pending' AND runnable;
  CREATE TABLE runs (
    id text COLLATE "C" PRIMARY KEY,
    mission_id text COLLATE "C" NOT NULL,
    started_at text COLLATE "C" NOT NULL,
    status text NOT NULL,
    record json NOT NULL,
    output text
  );
  CREATE INDEX runs_newest ON runs (started_at, id);
  CREATE INDEX runs_of_mission ON runs (mission_id, started_at, id);
  CREATE INDEX runs_active ON runs (id) WHERE status = 'running';
  CREATE TABLE workers (id text PRIMARY KEY, record json NOT NULL);
  CREATE TABLE changes (version bigint NOT NULL, mission_id text NOT NULL, before jsonb, after jsonb);
  CREATE INDEX changes_version ON changes (version);
  `,
  // 2: the change log keyed by each writing transaction's id instead of a store version taken from one
  // row (which made every write that changed missions commit one at a time). Watchers start afresh.
  // And an index for listMissions sorted by nextRun desc (nulls last), which else sorts every match.
  `
  CREATE INDEX missions_next_run_desc ON missions (next_run DESC NULLS LAST, id DESC);
  DROP TABLE changes;
  CREATE TABLE changes (xid bigint NOT NULL, mission_id text NOT NULL, before jsonb, after jsonb);
  CREATE INDEX changes_xid ON changes (xid);
  DELETE FROM missions_meta WHERE key = 'version';
  UPDATE missions_meta SET value = 0 WHERE key = 'forgotten';
  `,
  // 3: approval requests (SPEC §15) are open runs too: the index of open runs covers them, and due work
  // skips missions whose request waits for a person.
  `
  DROP INDEX runs_active;
  CREATE INDEX runs_open ON runs (id) WHERE status IN ('running', 'awaiting_approval');
  CREATE INDEX runs_awaiting ON runs (mission_id) WHERE status = 'awaiting_approval';
  `,
  refold,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Creates or migrates the schema; refuses a newer one. */
export async function ensureSchema(client: PoolClient, target: Target): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('missions-mcp schema'))");
    await client.query('CREATE TABLE IF NOT EXISTS missions_schema (version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM missions_schema');
    const current = rows[0]?.v ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new MissionError(
        'store_error',
        `Cannot use the mission store PostgreSQL at ${target.host}:${target.port}, database "${target.database}": its schema is version ${current}, ` +
          `newer than this missions-mcp understands (${SCHEMA_VERSION}). Upgrade missions-mcp on this machine to the version the other instances run. Nothing was read or written.`,
      );
    }
    for (let v = current; v < SCHEMA_VERSION; v++) {
      const step = MIGRATIONS[v]!;
      if (typeof step === 'string') await client.query(step);
      else await step(client);
      await client.query('INSERT INTO missions_schema (version) VALUES ($1)', [v + 1]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
