// Writes a plan's changes inside its transaction. Missions it changes are locked first (in id order,
// so two writes never wait on each other in a circle), their previous owner and visibility go to the
// change log under the next store version, and NOTIFY tells every instance (delivered at COMMIT).
import type { PoolClient } from 'pg';
import type { Acl, WritePlan } from '../types.js';
import { missionUpserts, runUpserts } from './rows.js';

export const CHANNEL = 'missions_mcp_changes';
/** Changes older than this many versions are pruned; a watcher that far behind starts afresh. */
const CHANGES_KEPT = 10_000;

/** Applies `p`; returns the store version it made, or undefined when it changed no mission. */
export async function applyPlan(client: PoolClient, p: WritePlan<unknown>): Promise<number | undefined> {
  const touched = [...new Set([...(p.put ?? []).map((m) => m.id), ...(p.remove ?? [])])].sort();
  let version: number | undefined;
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
    // The version row is taken last: writes queue on it only for their final moments, and commit in version order.
    const v = await client.query<{ value: string }>("UPDATE missions_meta SET value = value + 1 WHERE key = 'version' RETURNING value");
    version = Number(v.rows[0]!.value);
    await client.query(
      'INSERT INTO changes (version, mission_id, before, after) SELECT $1, id, b, a FROM unnest($2::text[], $3::jsonb[], $4::jsonb[]) AS t(id, b, a)',
      [version, touched, touched.map((id) => json(before.get(id))), touched.map((id) => json(after.get(id)))],
    );
    if (version % 500 === 0) {
      await client.query('DELETE FROM changes WHERE version <= $1', [version - CHANGES_KEPT]);
      await client.query("UPDATE missions_meta SET value = greatest(value, $1) WHERE key = 'forgotten'", [version - CHANGES_KEPT]);
    }
    await client.query('SELECT pg_notify($1, $2)', [CHANNEL, String(version)]);
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
  return version;
}

const json = (acl: Acl | null | undefined): string | null => (acl ? JSON.stringify(acl) : null);
