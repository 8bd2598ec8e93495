// A MissionStore over a lowdb document. The adapter decides where the document lives (memory, a
// durable JSON file); the lock decides who may write. lowdb's Low holds the current document; it is
// replaced only after the adapter has written the next one, so a failed write changes nothing.
import { Low, type Adapter } from 'lowdb';
import type { Mission } from '../mission/model.js';
import { emptyDocument, type StoreDocument } from './document.js';
import type { WriteLock } from './lock.js';
import type { MissionStore, MissionView, WritePlan } from './types.js';

class DocumentView implements MissionView {
  private byId?: Map<string, Mission>;
  constructor(private readonly doc: StoreDocument) {}
  get(id: string): Mission | undefined {
    this.byId ??= new Map(this.doc.missions.map((m) => [m.id, m]));
    return this.byId.get(id);
  }
  all(): readonly Mission[] {
    return this.doc.missions;
  }
}

function applyPlan(doc: StoreDocument, plan: WritePlan<unknown>): StoreDocument {
  const put = new Map((plan.put ?? []).map((m) => [m.id, m]));
  const remove = new Set(plan.remove ?? []);
  const missions: Mission[] = [];
  for (const m of doc.missions) {
    if (remove.has(m.id)) continue;
    const replacement = put.get(m.id);
    missions.push(replacement ?? m);
    put.delete(m.id);
  }
  missions.push(...put.values());
  return { ...doc, missions };
}

export class DocumentStore implements MissionStore {
  private readonly db: Low<StoreDocument>;
  private views = new WeakMap<StoreDocument, DocumentView>();

  constructor(
    adapter: Adapter<StoreDocument>,
    private readonly lock: WriteLock,
    readonly location: string,
  ) {
    this.db = new Low(adapter, emptyDocument());
  }

  private view(doc: StoreDocument): DocumentView {
    let v = this.views.get(doc);
    if (!v) this.views.set(doc, (v = new DocumentView(doc)));
    return v;
  }

  async read(): Promise<MissionView> {
    await this.db.read();
    return this.view(this.db.data);
  }

  write<T>(plan: (view: MissionView) => WritePlan<T>): Promise<T> {
    return this.lock.run(async () => {
      await this.db.read();
      const p = plan(this.view(this.db.data));
      if (!p.put?.length && !p.remove?.length) return p.result;
      const next = applyPlan(this.db.data, p);
      await this.db.adapter.write(next);
      this.db.data = next;
      return p.result;
    });
  }
}
