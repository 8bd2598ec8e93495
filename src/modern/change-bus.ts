// The ServerEventBus (SDK v2) that one caller's subscriptions/listen streams hear: the store's change
// feed (change-feed.ts) seen through that caller's eyes. A mission the caller could see before or after
// a change gives `notifications/resources/updated` for its mission:// URI (the SDK's listen router sends
// it only to streams that subscribed to that URI); one that appeared or vanished for the caller gives
// `notifications/resources/list_changed`. Nothing about missions the caller may not see ever reaches
// the bus, so a stream cannot learn of them by subscribing to their URI.
import type { ServerEvent, ServerEventBus } from '@modelcontextprotocol/server';
import { canSee, type Identity } from '../mission/access.js';
import { missionUri } from '../resources.js';
import type { Acl, MissionChange } from '../store/types.js';
import type { StoreChangeFeed } from './change-feed.js';

export class VisibleChangeBus implements ServerEventBus {
  private readonly listeners = new Set<(event: ServerEvent) => void>();
  private unfeed: (() => void) | undefined;

  constructor(
    private readonly feed: StoreChangeFeed,
    private readonly identity: Identity,
  ) {}

  publish(event: ServerEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // one listener's failure does not stop the others (the SDK's own bus does the same)
      }
    }
  }

  subscribe(listener: (event: ServerEvent) => void): () => void {
    this.listeners.add(listener);
    if (!this.unfeed) this.unfeed = this.feed.subscribe((changes) => this.hear(changes));
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.unfeed?.();
        this.unfeed = undefined;
      }
    };
  }

  /** What the store's changes mean to this caller. */
  private hear(changes: readonly MissionChange[] | null): void {
    for (const event of eventsFor(changes, this.identity)) this.publish(event);
  }
}

const sees = (acl: Acl | null, who: Identity) => acl !== null && canSee(acl, who);

/** The notices one caller gets for a batch of changes (null: the store lost track; the list may have changed). */
export function eventsFor(changes: readonly MissionChange[] | null, who: Identity): ServerEvent[] {
  if (changes === null) return [{ kind: 'resources_list_changed' }];
  const events: ServerEvent[] = [];
  let listChanged = false;
  for (const c of changes) {
    const before = sees(c.before, who);
    const after = sees(c.after, who);
    if (before || after) events.push({ kind: 'resource_updated', uri: missionUri(c.id) });
    if (before !== after) listChanged = true;
  }
  if (listChanged) events.push({ kind: 'resources_list_changed' });
  return events;
}
