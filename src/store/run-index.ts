// The run records and worker heartbeats of a store in memory. Runs are held without their output
// (that stays on disk) in two orders: all runs newest first, and each mission's runs oldest first.
import { isOpenRun, type RunRecord, type WorkerRecord } from '../run/model.js';

/** Newest first: later startedAt first, then larger id. */
export function newerFirst(a: Pick<RunRecord, 'startedAt' | 'id'>, b: Pick<RunRecord, 'startedAt' | 'id'>): number {
  if (a.startedAt !== b.startedAt) return a.startedAt > b.startedAt ? -1 : 1;
  return a.id === b.id ? 0 : a.id > b.id ? -1 : 1;
}

export interface RunView {
  get(id: string): RunRecord | undefined;
  /** Every run, newest first. */
  newestFirst(): readonly RunRecord[];
  /** One mission's runs, oldest first. */
  ofMission(missionId: string): readonly RunRecord[];
  /** Runs that have not ended: running, or awaiting approval. */
  active(): Iterable<RunRecord>;
  readonly size: number;
  /** Worker heartbeats by worker id. */
  readonly workers: ReadonlyMap<string, WorkerRecord>;
}

/** The first index in `items` (sorted by `cmp`) whose item sorts at or after `probe`. */
export function lowerBound<T, P>(items: readonly T[], probe: P, cmp: (item: T, probe: P) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(items[mid]!, probe) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class RunIndex implements RunView {
  private readonly byId = new Map<string, RunRecord>();
  private readonly byMission = new Map<string, RunRecord[]>();
  private readonly running = new Map<string, RunRecord>();
  private readonly ordered: RunRecord[];
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

  get size(): number {
    return this.byId.size;
  }

  get(id: string): RunRecord | undefined {
    return this.byId.get(id);
  }

  newestFirst(): readonly RunRecord[] {
    return this.ordered;
  }

  ofMission(missionId: string): readonly RunRecord[] {
    return this.byMission.get(missionId) ?? [];
  }

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
