// Missions as a loaded snapshot holds them, made smaller (issue 13: memory at 100,000 missions). A
// mission is never changed in place — every change builds a new object (src/mission/build.ts,
// lifecycle.ts, run/lifecycle.ts copy what they change) — so missions may share what is equal:
// - empty lists are one frozen empty array;
// - a brief, constraints, plan or stats object still at its default is one frozen object;
// - the owner, and the short values that repeat across missions (time zones, cron expressions, space,
//   character and platform names), are one object or string per distinct value within a load.
// Long text (titles, goals, messages) is never shared: equal long text is a coincidence, not a pattern.
// What is shared is frozen, so a change in place would throw rather than change another mission.
import { emptyBrief, emptyConstraints, emptyPlan, emptyStats, type Brief, type Constraints, type Kpi, type Mission, type Owner, type Plan, type Schedule, type Stats } from '../mission/model.js';

/** Strings longer than this are left as they are. */
const SHORT = 64;

const EMPTY: readonly never[] = Object.freeze([]);

/** A model default (src/mission/model.ts, the one place defaults are said), frozen, its empty lists the one EMPTY. */
function frozenDefault<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = Array.isArray(v) && v.length === 0 ? EMPTY : v;
  return Object.freeze(out) as T;
}

const DEFAULT_BRIEF: Brief = frozenDefault(emptyBrief());
const DEFAULT_CONSTRAINTS: Constraints = frozenDefault(emptyConstraints());
const DEFAULT_PLAN: Plan = frozenDefault({ ...emptyPlan(), constraints: DEFAULT_CONSTRAINTS });
const DEFAULT_STATS: Stats = frozenDefault(emptyStats());

/** True when `value` has exactly the keys of `model`, each equal (===) to the model's. */
function equalsShallow(value: object, model: object): boolean {
  const keys = Object.keys(model);
  if (Object.keys(value).length !== keys.length) return false;
  for (const k of keys) if ((value as Record<string, unknown>)[k] !== (model as Record<string, unknown>)[k]) return false;
  return true;
}

/** Shares equal short strings and owners among the missions of one load; drop it when the load is done. */
export class Canonicaliser {
  private readonly strings = new Map<string, string>();
  private readonly owners = new Map<string, Owner>();

  private str<T extends string | null>(s: T): T {
    if (s === null || s.length > SHORT) return s;
    const known = this.strings.get(s);
    if (known !== undefined) return known as T;
    this.strings.set(s, s);
    return s;
  }

  private list<T>(items: T[], each?: (item: T) => T): T[] {
    if (items.length === 0) return EMPTY as unknown as T[];
    if (each) for (let i = 0; i < items.length; i++) items[i] = each(items[i]!);
    return items;
  }

  private owner(o: Owner): Owner {
    const key = `${o.user}\u0000${o.org ?? ''}\u0000${o.org === null ? 0 : 1}`;
    let known = this.owners.get(key);
    if (!known) this.owners.set(key, (known = Object.freeze({ user: this.str(o.user), org: this.str(o.org) })));
    return known;
  }

  private schedule(s: Schedule): Schedule {
    s.value = this.str(s.value);
    s.timezone = this.str(s.timezone);
    return s;
  }

  private brief(b: Brief): Brief {
    b.exampleMessages = this.list(b.exampleMessages);
    return equalsShallow(b, DEFAULT_BRIEF) ? DEFAULT_BRIEF : b;
  }

  private constraints(c: Constraints): Constraints {
    c.postingTimes = this.list(c.postingTimes, (t) => this.str(t));
    c.excludedTopics = this.list(c.excludedTopics);
    c.timezone = this.str(c.timezone);
    c.tone = this.str(c.tone);
    c.cadence = this.str(c.cadence);
    return equalsShallow(c, DEFAULT_CONSTRAINTS) ? DEFAULT_CONSTRAINTS : c;
  }

  private kpi = (k: Kpi): Kpi => {
    k.metric = this.str(k.metric);
    k.platform = this.str(k.platform);
    return k;
  };

  private plan(p: Plan): Plan {
    p.objectives = this.list(p.objectives);
    p.platforms = this.list(p.platforms, (x) => this.str(x));
    p.constraints = this.constraints(p.constraints);
    p.kpis = this.list(p.kpis, this.kpi);
    return equalsShallow(p, DEFAULT_PLAN) ? DEFAULT_PLAN : p;
  }

  /**
   * The same mission, sharing what it can. It changes `m` itself, so it may only be given a mission
   * that nothing else holds yet: one just parsed from the file.
   */
  mission(m: Mission): Mission {
    m.icon = this.str(m.icon);
    m.spaceId = this.str(m.spaceId);
    m.characterId = this.str(m.characterId);
    m.owner = this.owner(m.owner);
    m.schedule = this.schedule(m.schedule);
    m.brief = this.brief(m.brief);
    m.plan = this.plan(m.plan);
    if (equalsShallow(m.stats, DEFAULT_STATS)) m.stats = DEFAULT_STATS;
    m.imports = this.list(m.imports);
    return m;
  }
}
