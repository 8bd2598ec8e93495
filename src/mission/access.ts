// Who may see and change a mission (SPEC §9). Pure: an identity and a mission in, a yes or no out.
import type { Mission } from './model.js';

export interface Identity {
  user: string;
  org: string | null;
  /** The local user over stdio and the CLI: sees and changes everything. */
  local?: boolean;
}

export const LOCAL_USER: Identity = { user: 'local', org: null, local: true };

const sameOrg = (m: Mission, who: Identity) => m.owner.org !== null && m.owner.org === who.org;

export function canSee(m: Mission, who: Identity): boolean {
  if (who.local || m.owner.user === who.user) return true;
  if (m.visibility === 'public') return true;
  return m.visibility === 'organization' && sameOrg(m, who);
}

export function canChange(m: Mission, who: Identity): boolean {
  if (who.local || m.owner.user === who.user) return true;
  return m.visibility !== 'private' && sameOrg(m, who);
}
