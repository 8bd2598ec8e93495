// The PostgreSQL schema, created on first use and migrated forward one step at a time under an
// advisory lock (several instances may start at once). Its version is recorded in missions_schema;
// a database whose schema is newer than this code is refused rather than misread.
import type { PoolClient } from 'pg';
import { MissionError } from '../../errors.js';
import type { Target } from './target.js';

/** Text columns compare byte-wise (COLLATE "C"), as JavaScript compares the same strings. */
export const MIGRATIONS: string[] = [
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
      await client.query(MIGRATIONS[v]!);
      await client.query('INSERT INTO missions_schema (version) VALUES ($1)', [v + 1]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
