// The quota of missions per owner (issue 9): one token principal cannot fill the store for everyone.
// The local user (stdio, the CLI, and HTTP without tokens on loopback) owns the machine and the file,
// and has no quota.
import { MissionError } from '../errors.js';
import type { Identity } from './access.js';

export function checkQuota(who: Identity, owned: number, max: number): void {
  if (who.kind === 'local' || owned < max) return;
  throw new MissionError(
    'forbidden',
    `Mission quota reached: you (user "${who.user}"${who.org === null ? '' : `, org "${who.org}"`}) keep ${owned.toLocaleString('en-US')} missions, ` +
      `the most one owner may keep on this server (--max-missions-per-owner, ${max.toLocaleString('en-US')}; archived missions count too). ` +
      'Delete missions you no longer need with deleteMission, or ask the server\'s operator to raise the quota. Nothing was written.',
  );
}
