// A write plan's view inside one PostgreSQL transaction: every mission and run it reads is locked
// (SELECT … FOR UPDATE) until the transaction ends, so what the plan decided on still holds when its
// changes are written; parallel updates to one mission queue instead of losing one.
import type { PoolClient } from 'pg';
import type { Mission, Owner } from '../../mission/model.js';
import type { RunRecord, WorkerRecord } from '../../run/model.js';
import type { WriteView } from '../types.js';
import { OPEN_STATUSES_SQL } from './sql-queries.js';

export class TxView implements WriteView {
  /** Missions read in this transaction (undefined: not there), by id. */
  readonly seen = new Map<string, Mission | undefined>();

  constructor(private readonly client: PoolClient) {}

  async get(id: string): Promise<Mission | undefined> {
    if (this.seen.has(id)) return this.seen.get(id);
    const { rows } = await this.client.query<{ doc: Mission }>('SELECT doc FROM missions WHERE id = $1 FOR UPDATE', [id]);
    const m = rows[0]?.doc;
    this.seen.set(id, m);
    return m;
  }

  /** The mission, unless another transaction holds it (a claim elsewhere): then undefined at once. */
  async getUnlessBusy(id: string): Promise<Mission | undefined> {
    if (this.seen.has(id)) return this.seen.get(id);
    const { rows } = await this.client.query<{ doc: Mission }>('SELECT doc FROM missions WHERE id = $1 FOR UPDATE SKIP LOCKED', [id]);
    const m = rows[0]?.doc;
    if (m) this.seen.set(id, m);
    return m;
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const { rows } = await this.client.query<{ record: RunRecord }>('SELECT record FROM runs WHERE id = $1 FOR UPDATE', [id]);
    return rows[0]?.record;
  }

  async runsOf(missionId: string): Promise<readonly RunRecord[]> {
    const { rows } = await this.client.query<{ record: RunRecord }>('SELECT record FROM runs WHERE mission_id = $1 ORDER BY started_at, id FOR UPDATE', [missionId]);
    return rows.map((r) => r.record);
  }

  async activeRuns(): Promise<readonly RunRecord[]> {
    const { rows } = await this.client.query<{ record: RunRecord }>(`SELECT record FROM runs WHERE status IN ${OPEN_STATUSES_SQL} ORDER BY id FOR UPDATE`);
    return rows.map((r) => r.record);
  }

  async workers(): Promise<readonly WorkerRecord[]> {
    const { rows } = await this.client.query<{ record: WorkerRecord }>('SELECT record FROM workers ORDER BY id');
    return rows.map((r) => r.record);
  }

  /** Counted under a per-owner lock, so two creates cannot both pass a quota with one place left. */
  async ownedBy(owner: Owner): Promise<number> {
    await this.client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [JSON.stringify(['owner', owner.user, owner.org])]);
    const { rows } = await this.client.query<{ n: number }>('SELECT count(*)::int AS n FROM missions WHERE owner_user = $1 AND owner_org IS NOT DISTINCT FROM $2::text', [owner.user, owner.org]);
    return rows[0]!.n;
  }
}
