// The one line that says which store a process serves and what it holds. It asks the store contract
// only, so that a server which describes its store loads no engine (and no database driver) for it.
import type { MissionStore } from './types.js';

const count = (n: number, one: string) => `${n.toLocaleString('en-US')} ${one}${n === 1 ? '' : 's'}`;

/** `store LOCATION (N missions, N runs)`, for stderr and the client's log. */
export async function describeStore(store: MissionStore): Promise<string> {
  const { missions, runs } = await store.counts();
  return `store ${store.location} (${count(missions, 'mission')}, ${count(runs, 'run')})`;
}
