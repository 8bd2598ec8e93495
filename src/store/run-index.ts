// The run records and worker heartbeats of a store in memory. Runs are held without their output
// (that stays on disk) in two orders: all runs newest first, and each mission's runs oldest first.
import { lowerBound } from '../binary-search.js';
import { isOpenRun, type RunRecord, type WorkerRecord } from '../run/model.js';
import { newerFirst, type RunOrders } from '../run/query.js';

export class RunIndex implements RunOrders {
  private readonly byId = new Map<string, RunRecord>();
  private readonly byMission = new Map<string, RunRecord[]>();
  private readonly running = new Map<string, RunRecord>();
  private readonly ordered: RunRecord[];
  /** Worker heartbeats by worker id. */
  readonly workers = new Map<string, WorkerRecord>();

  constructor(runs: Iterable<RunRecord> = [], workers: Iterable<WorkerRecord> = []) {
    // Loading sorts once (inserting one by one would be quadratic at 100,000 runs).
    for (const r of runs) {
      this.byId.set(r.id, r);
      if (isOpenRun(r)) this.running.set(r.id, r);
    }
    this.ordered = [...this.byId.values()].sort(newerFirst);
    for (let i = this.ordered.length - 1; i >= 0; i--) {
      const r = this.ordered[i]!;
      let list = this.byMission.get(r.missionId);
      if (!list) this.byMission.set(r.missionId, (list = []));
      list.push(r); // oldest first
    }
    for (const w of workers) this.workers.set(w.id, w);
  }

  /** How many runs it holds. */
  get size(): number {
    return this.byId.size;
  }

  get(id: string): RunRecord | undefined {
    return this.byId.get(id);
  }

  /** Every run, newest first. */
  newestFirst(): readonly RunRecord[] {
    return this.ordered;
  }

  /** One mission's runs, oldest first. */
  ofMission(missionId: string): readonly RunRecord[] {
    return this.byMission.get(missionId) ?? [];
  }

  /** Runs that have not ended: running, or awaiting approval. */
  active(): Iterable<RunRecord> {
    return this.running.values();
  }

  all(): RunRecord[] {
    return [...this.byId.values()];
  }

  put(r: RunRecord): void {
    const old = this.byId.get(r.id);
    if (old) this.drop(old);
    this.byId.set(r.id, r);
    this.ordered.splice(lowerBound(this.ordered, r, newerFirst), 0, r);
    let list = this.byMission.get(r.missionId);
    if (!list) this.byMission.set(r.missionId, (list = []));
    list.splice(lowerBound(list, r, (a, b) => -newerFirst(a, b)), 0, r);
    if (isOpenRun(r)) this.running.set(r.id, r);
  }

  remove(id: string): void {
    const old = this.byId.get(id);
    if (old) this.drop(old);
  }

  private drop(r: RunRecord): void {
    this.byId.delete(r.id);
    this.running.delete(r.id);
    const i = lowerBound(this.ordered, r, newerFirst);
    if (this.ordered[i]?.id === r.id) this.ordered.splice(i, 1);
    const list = this.byMission.get(r.missionId);
    if (list) {
      const j = list.findIndex((x) => x.id === r.id);
      if (j >= 0) list.splice(j, 1);
      if (list.length === 0) this.byMission.delete(r.missionId);
    }
  }

  putWorker(w: WorkerRecord): void {
    this.workers.set(w.id, w);
  }

  removeWorker(id: string): void {
    this.workers.delete(id);
  }
}
