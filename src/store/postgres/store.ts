// The PostgreSQL store (SPEC §13): missions as rows (a jsonb document and the columns queries need),
// runs in their own table with their output, worker heartbeats, and a change log for watchers.
// Every write is one transaction whose plan locks what it reads; a write that loses a deadlock or a
// serialization race is run again from the start. Several instances share one database: each write
// that changes missions logs them under its transaction id and NOTIFYs, and every instance LISTENs.
import { stderrLogger } from '../../log.js';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { Identity } from '../../mission/access.js';
import type { Mission, Owner } from '../../mission/model.js';
import { pageOf, type MissionQuery, type Page } from '../../mission/query.js';
import type { DueOrder } from '../../run/fair.js';
import type { RunRecord, WorkerRecord } from '../../run/model.js';
import { runPageOf, type RunPage, type RunQuery } from '../../run/query.js';
import type { Changes, MissionChange, MissionStore, Plan } from '../types.js';
import { ChangeListener } from './listener.js';
import { RETRYABLE, isConnectionFault, pgStoreError } from './faults.js';
import { ensureSchema } from './schema.js';
import { OPEN_STATUSES_SQL, dueSql, listRunsSql, listSql } from './sql-queries.js';
import type { Target } from './target.js';
import { TxView } from './tx-view.js';
import { applyPlan } from './apply.js';
import { loadPg } from './driver.js';

export interface PostgresStoreOptions {
  log?: (message: string) => void;
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

const WRITE_ATTEMPTS = 5;
const guarded = new WeakSet<PoolClient>();
/** changesSince answers null (everything may have changed) past this many changes. */
const CHANGES_PER_ANSWER = 5000;
/** While changes wait on an older transaction, watchers look again this often. */
const LOOK_AGAIN_MS = 100;

export class PostgresStore implements MissionStore {
  readonly location: string;
  readonly address: string;
  /** Made on first use (loading the driver then); undefined again after close. */
  private pool: Promise<Pool> | undefined;
  private ready: Promise<void> | undefined;
  private readonly listener: ChangeListener;
  private readonly log: (message: string) => void;
  private lookAgain: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    readonly target: Target,
    private readonly options: PostgresStoreOptions = {},
  ) {
    this.location = target.masked;
    this.address = url;
    this.log = options.log ?? stderrLogger();
    this.listener = new ChangeListener(url, target, this.log);
  }

  private connect(): Promise<Pool> {
    this.pool ??= loadPg().then((pg) => {
      const pool = new pg.Pool({ connectionString: this.url, max: this.options.poolSize ?? 10, connectionTimeoutMillis: 10_000 });
      // An idle connection the server closed (a restart): the pool drops it and opens another when needed.
      pool.on('error', (error) => this.log(`PostgreSQL connection lost (${error.message}); reconnecting on the next call`));
      return pool;
    });
    return this.pool;
  }

  /** A pooled connection with the schema in place (created or migrated on first use, retried after a failure). */
  private async client(): Promise<PoolClient> {
    const client = await (await this.connect()).connect();
    // A connection cut while checked out (a database restart) emits 'error' on the client: without a
    // listener that would end the process. The query in progress fails on its own and is answered.
    if (!guarded.has(client)) {
      guarded.add(client);
      client.on('error', () => undefined);
    }
    try {
      this.ready ??= ensureSchema(client, this.target);
      await this.ready;
    } catch (error) {
      this.ready = undefined;
      client.release(true);
      throw error;
    }
    return client;
  }

  private async query<R extends QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    let client: PoolClient | undefined;
    try {
      client = await this.client();
      const { rows } = await client.query<R>(text, values);
      client.release();
      return rows;
    } catch (error) {
      client?.release(isConnectionFault(error));
      throw pgStoreError(this.target, error, 'read');
    }
  }

  async get(id: string): Promise<Mission | undefined> {
    return (await this.query<{ doc: Mission }>('SELECT doc FROM missions WHERE id = $1', [id]))[0]?.doc;
  }

  getUnlessBusy(id: string): Promise<Mission | undefined> {
    return this.get(id);
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    return (await this.query<{ record: RunRecord }>('SELECT record FROM runs WHERE id = $1', [id]))[0]?.record;
  }

  async runsOf(missionId: string): Promise<readonly RunRecord[]> {
    return (await this.query<{ record: RunRecord }>('SELECT record FROM runs WHERE mission_id = $1 ORDER BY started_at, id', [missionId])).map((r) => r.record);
  }

  async activeRuns(): Promise<readonly RunRecord[]> {
    return (await this.query<{ record: RunRecord }>(`SELECT record FROM runs WHERE status IN ${OPEN_STATUSES_SQL} ORDER BY id`)).map((r) => r.record);
  }

  async workers(): Promise<readonly WorkerRecord[]> {
    return (await this.query<{ record: WorkerRecord }>('SELECT record FROM workers ORDER BY id')).map((r) => r.record);
  }

  async ownedBy(owner: Owner): Promise<number> {
    const rows = await this.query<{ n: number }>('SELECT count(*)::int AS n FROM missions WHERE owner_user = $1 AND owner_org IS NOT DISTINCT FROM $2::text', [owner.user, owner.org]);
    return rows[0]!.n;
  }

  async list(query: MissionQuery, who: Identity, now: Date): Promise<Page> {
    const { req, page, count } = listSql(query, who, now); // a bad cursor throws before any query
    const [rows, counted] = await Promise.all([this.query<{ doc: Mission }>(page.text, page.values), this.query<{ n: number }>(count.text, count.values)]);
    const missions = rows.slice(0, req.limit).map((r) => r.doc);
    return pageOf(missions, counted[0]!.n, rows.length > req.limit, req);
  }

  async due(now: Date, limit: number, order?: DueOrder): Promise<Mission[]> {
    const { text, values } = dueSql(now, limit, order);
    return (await this.query<{ doc: Mission }>(text, values)).map((r) => r.doc);
  }

  async listRuns(query: RunQuery, who: Identity): Promise<RunPage> {
    const { req, page, count } = listRunsSql(query, who);
    const [rows, counted] = await Promise.all([this.query<{ record: RunRecord }>(page.text, page.values), this.query<{ n: number }>(count.text, count.values)]);
    return runPageOf(rows.slice(0, req.limit).map((r) => r.record), counted[0]!.n, rows.length > req.limit, req.fingerprint);
  }

  /**
   * Positions are transaction ids. Each change is logged under its writing transaction's id, and
   * transactions commit in any order, so a change is read only once every transaction with a lower
   * id has ended: below the snapshot's xmin (the oldest transaction still running) nothing can still
   * appear. The answer holds the changes in [position, xmin) and moves the position to xmin; nothing
   * is missed, nothing repeated. Changes already committed above xmin wait for the older transaction:
   * while some do, watchers are told to look again shortly (that transaction may never NOTIFY).
   */
  async changesSince(version: number | undefined): Promise<Changes> {
    const [row] = await this.query<{ xmin: string; forgotten: string; changes: ({ mission_id: string } & Omit<MissionChange, 'id'>)[]; pending: boolean }>(
      `WITH s AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin)
       SELECT s.xmin, (SELECT value FROM missions_meta WHERE key = 'forgotten') AS forgotten,
         (SELECT coalesce(json_agg(c), '[]') FROM (SELECT mission_id, before, after FROM changes WHERE xid >= $1 AND xid < s.xmin ORDER BY xid LIMIT $2) c) AS changes,
         EXISTS (SELECT 1 FROM changes WHERE xid >= s.xmin) AS pending
       FROM s`,
      [version ?? Number.MAX_SAFE_INTEGER, CHANGES_PER_ANSWER + 1],
    );
    const xmin = Number(row!.xmin);
    if (version === undefined) return { version: xmin, changes: [] };
    if (row!.pending) this.lookAgainSoon();
    if (version < Number(row!.forgotten) || version > xmin || row!.changes.length > CHANGES_PER_ANSWER) return { version: xmin, changes: null };
    // No change in [version, xmin) can appear any more: keeping the position is as good as moving it.
    if (row!.changes.length === 0) return { version, changes: [] };
    return { version: xmin, changes: row!.changes.map((r) => ({ id: r.mission_id, before: r.before, after: r.after })) };
  }

  private lookAgainSoon(): void {
    if (this.lookAgain) return;
    this.lookAgain = setTimeout(() => {
      this.lookAgain = undefined;
      this.listener.changed();
    }, LOOK_AGAIN_MS);
    this.lookAgain.unref();
  }

  async counts(): Promise<{ missions: number; runs: number }> {
    const rows = await this.query<{ missions: number; runs: number }>('SELECT (SELECT count(*)::int FROM missions) AS missions, (SELECT count(*)::int FROM runs) AS runs');
    return rows[0]!;
  }

  async write<T>(plan: Plan<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let client: PoolClient | undefined;
      let stage: 'write' | 'commit' = 'write';
      try {
        client = await this.client();
        await client.query('BEGIN');
        const view = new TxView(client);
        const planned = await plan(view);
        const changed = await applyPlan(client, planned);
        stage = 'commit';
        await client.query('COMMIT');
        client.release();
        if (changed) this.listener.changed();
        return planned.result;
      } catch (error) {
        if (client) {
          if (stage === 'write' && !isConnectionFault(error)) await client.query('ROLLBACK').catch(() => undefined);
          client.release(isConnectionFault(error));
        }
        const code = (error as { code?: string }).code;
        if (code && RETRYABLE.has(code) && attempt < WRITE_ATTEMPTS) continue; // lost a race: nothing was written
        if (!code && !isConnectionFault(error)) throw error; // the plan refused (a MissionError) or a bug
        throw pgStoreError(this.target, error, stage);
      }
    }
  }

  async readRunOutput(run: RunRecord): Promise<string> {
    return (await this.query<{ output: string | null }>('SELECT output FROM runs WHERE id = $1', [run.id]))[0]?.output ?? '';
  }

  onChange(listener: () => void): () => void {
    return this.listener.add(listener);
  }

  async health(): Promise<{ ok: boolean; detail: string }> {
    const where = `postgres ${this.target.host}:${this.target.port}/${this.target.database}`;
    try {
      await this.query('SELECT 1');
      return { ok: true, detail: where };
    } catch (error) {
      return { ok: false, detail: `${where}: ${(error as Error).message}` };
    }
  }

  async close(): Promise<void> {
    if (this.lookAgain) clearTimeout(this.lookAgain);
    this.lookAgain = undefined;
    await this.listener.close();
    const pool = this.pool;
    this.pool = undefined;
    this.ready = undefined;
    await pool?.then((p) => p.end(), () => undefined); // a pool that never came has nothing to end
  }
}
