// Who may see and change a mission (SPEC §9). Pure: a principal and a mission in, a yes or no out.
//
// A principal is who is calling, and it cannot be forged by naming: the local user (stdio, the CLI,
// HTTP without tokens) is its own kind, apart from every token principal; a token principal is a user
// AND an org, so "alice" of acme and "alice" of globex are two people. Missions keep
// `owner: { user, org }` (SPEC §2); the local user's missions are owned by `{ user: "local", org: null }`,
// and no token principal can ever be named "local" (tokenPrincipal refuses it; the auth file is checked
// with isReservedUser), so none can ever match that owner.
import { VISIBILITIES, type Mission, type Visibility } from './model.js';

export type Identity =
  /** The local user over stdio and the CLI (and HTTP without tokens, loopback only): sees and changes everything. */
  | { readonly kind: 'local'; readonly user: typeof LOCAL_USER_NAME; readonly org: null }
  /** A caller that presented a bearer token: a user of an org (or of none). */
  | { readonly kind: 'token'; readonly user: string; readonly org: string | null };

export const LOCAL_USER_NAME = 'local';
/** The user of MISSIONS_TOKEN (SPEC §9). */
export const DEFAULT_TOKEN_USER = 'default';

export const LOCAL_USER: Identity = Object.freeze({ kind: 'local', user: LOCAL_USER_NAME, org: null });

/** Names an auth-file entry may not take: the local user's, and MISSIONS_TOKEN's (any case). */
const RESERVED_USERS = [LOCAL_USER_NAME, DEFAULT_TOKEN_USER];

export function isReservedUser(user: string): boolean {
  return RESERVED_USERS.includes(user.trim().toLowerCase());
}

export const RESERVED_USERS_TEXT = RESERVED_USERS.map((u) => `"${u}"`).join(' and ');

/** A token principal. Throws for the local user's name: no token may ever act as, or own like, the local user. */
export function tokenPrincipal(user: string, org: string | null): Identity {
  if (user.trim().toLowerCase() === LOCAL_USER_NAME) throw new Error(`"${LOCAL_USER_NAME}" is the local user's name; a token principal may not take it`);
  return Object.freeze({ kind: 'token', user, org });
}

/** One string per principal, for maps and comparisons (sessions, limits). */
export const principalKey = (who: Identity): string => (who.kind === 'local' ? 'local' : JSON.stringify(['token', who.user, who.org]));

/** What access depends on: who owns a mission and whom it is shown to. */
type Guarded = Pick<Mission, 'owner' | 'visibility'>;

/** Whom a mission is shown to besides its owner: no one else, the users of its owner's org, everyone. */
export type Audience = 'owner' | 'org' | 'everyone';

/**
 * Each visibility's audience (SPEC §9): the one statement of who sees what, read by canSee, by the
 * file store's visibility buckets and by PostgreSQL's WHERE clause. An `org` mission whose owner has
 * no org is seen by its owner alone.
 */
export const AUDIENCE = { private: 'owner', organization: 'org', public: 'everyone' } as const satisfies Record<Visibility, Audience>;

/** The visibilities whose missions `audience` sees. */
export const visibilitiesFor = (audience: Audience): Visibility[] => VISIBILITIES.filter((v) => AUDIENCE[v] === audience);

/** Owner matching: a token principal owns a mission when user and org are both its own. */
function owns(m: Guarded, who: Identity): boolean {
  return who.kind === 'token' && m.owner.user === who.user && m.owner.org === who.org;
}

const sameOrg = (m: Guarded, who: Identity) => m.owner.org !== null && m.owner.org === who.org;

export function canSee(m: Guarded, who: Identity): boolean {
  if (who.kind === 'local' || owns(m, who)) return true;
  const audience: Audience = AUDIENCE[m.visibility];
  return audience === 'everyone' || (audience === 'org' && sameOrg(m, who));
}

export function canChange(m: Guarded, who: Identity): boolean {
  if (who.kind === 'local' || owns(m, who)) return true;
  return m.visibility !== 'private' && sameOrg(m, who);
}
