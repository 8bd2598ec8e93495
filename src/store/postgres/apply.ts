// Writes a plan's changes inside its transaction. Missions it changes are locked first (in id order,
// so two writes never wait on each other in a circle); their previous owner and visibility go to the
// change log under this transaction's id, and NOTIFY tells every instance (delivered at COMMIT).
// No row is shared by every write, so writes to different missions commit in parallel; changesSince
// orders the log by transaction id and reads only what lies below every transaction still running.
import type { PoolClient } from 'pg';
import type { Acl, WritePlan } from '../types.js';
import { missionUpserts, runUpserts } from './rows.js';

export const CHANNEL = 'missions_mcp_changes';
/** About this many changes are kept; a watcher further behind starts afresh. */
const CHANGES_KEPT = 10_000;
/** One write in this many prunes the change log. */
const PRUNE_EVERY = 500;

/** Applies `p`; returns whether it changed missions. */
export async function applyPlan(client: PoolClient, p: WritePlan<unknown>): Promise<boolean> {
  const touched = [...new Set([...(p.put ?? []).map((m) => m.id), ...(p.remove ?? [])])].sort();
  if (touched.length > 0) {
    const { rows } = await client.query<{ id: string; owner_user: string; owner_org: string | null; visibility: Acl['visibility'] }>(
      'SELECT id, owner_user, owner_org, visibility FROM missions WHERE id = ANY($1) ORDER BY id FOR UPDATE',
      [touched],
    );
    const before = new Map(rows.map((r) => [r.id, { owner: { user: r.owner_user, org: r.owner_org }, visibility: r.visibility } satisfies Acl]));
    if (p.remove?.length) await client.query('DELETE FROM missions WHERE id = ANY($1)', [p.remove]);
    for (const statement of missionUpserts(p.put ?? [])) await client.query(statement);
    const after = new Map((p.put ?? []).map((m) => [m.id, { owner: m.owner, visibility: m.visibility } satisfies Acl]));
    for (const id of p.remove ?? []) if (!after.has(id)) after.set(id, null as unknown as Acl);
    await client.query(
      'INSERT INTO changes (xid, mission_id, before, after) SELECT pg_current_xact_id()::text::bigint, id, b, a FROM unnest($1::text[], $2::jsonb[], $3::jsonb[]) AS t(id, b, a)',
      [touched, touched.map((id) => json(before.get(id))), touched.map((id) => json(after.get(id)))],
    );
    if (Math.random() < 1 / PRUNE_EVERY) await prune(client);
    await client.query("SELECT pg_notify($1, '')", [CHANNEL]);
  }
  if (p.removeRuns?.length) await client.query('DELETE FROM runs WHERE id = ANY($1)', [p.removeRuns]);
  for (const statement of runUpserts(p.runs ?? [])) await client.query(statement);
  const outputs = Object.entries(p.outputs ?? {});
  if (outputs.length) {
    await client.query('UPDATE runs SET output = t.output FROM unnest($1::text[], $2::text[]) AS t(id, output) WHERE runs.id = t.id', [outputs.map(([id]) => id), outputs.map(([, text]) => text)]);
  }
  if (p.removeWorkers?.length) await client.query('DELETE FROM workers WHERE id = ANY($1)', [p.removeWorkers]);
  for (const w of p.workers ?? []) {
    await client.query('INSERT INTO workers (id, record) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record', [w.id, JSON.stringify(w)]);
  }
  return touched.length > 0;
}

/**
 * Drops all but about the newest CHANGES_KEPT changes and records below which transaction id the log
 * is incomplete ('forgotten'): changesSince from a position under it answers null (start afresh).
 */
async function prune(client: PoolClient): Promise<void> {
  await client.query(
    `WITH cut AS (SELECT xid FROM changes ORDER BY xid DESC OFFSET ${CHANGES_KEPT} LIMIT 1),
       gone AS (DELETE FROM changes WHERE xid <= (SELECT xid FROM cut))
     UPDATE missions_meta SET value = greatest(value, (SELECT xid + 1 FROM cut)) WHERE key = 'forgotten' AND EXISTS (SELECT 1 FROM cut)`,
  );
}

const json = (acl: Acl | null | undefined): string | null => (acl ? JSON.stringify(acl) : null);
