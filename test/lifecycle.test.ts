// The transition table of SPEC §4, pair by pair, and the duration clock.
import { describe, expect, it } from 'vitest';
import { MissionError } from '../src/errors.js';
import { canTransition, changeStatus } from '../src/mission/lifecycle.js';
import { newMission } from '../src/mission/build.js';
import { Mission, STATUSES, type Status } from '../src/mission/model.js';

const SPEC_TABLE: Record<Status, Status[]> = {
  pending: ['running', 'paused', 'completed', 'failed', 'archived'],
  running: ['pending', 'paused', 'completed', 'failed'],
  paused: ['pending', 'completed', 'archived'],
  completed: ['pending', 'archived'],
  failed: ['pending', 'archived'],
  archived: ['pending'],
};

const base = (status: Status) => ({
  ...newMission({ title: 'T', goal: 'G', startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-11-15T00:00:00Z' }, {
    now: new Date('2026-11-01T00:00:00Z'),
    id: 'msn_AAAAAAAAAAAAAAAAAAAA',
    owner: { user: 'local', org: null },
    newImportId: () => 'imp_1',
  }),
  status,
  pausedAt: status === 'paused' ? '2026-11-02T00:00:00.000Z' : null,
});

describe('the transition table', () => {
  const pairs = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const));
  it.each(pairs)('%s → %s follows SPEC §4', (from, to) => {
    const allowed = from === to || SPEC_TABLE[from].includes(to);
    expect(canTransition(from, to)).toBe(allowed);
    const run = () => changeStatus(base(from), to, new Date('2026-11-03T00:00:00Z'));
    if (allowed) expect(run().status).toBe(to);
    else {
      expect(run).toThrow(MissionError);
      try {
        run();
      } catch (error) {
        expect((error as MissionError).code).toBe('conflict');
        for (const option of SPEC_TABLE[from]) expect((error as MissionError).message).toContain(option);
      }
    }
  });

  it('resuming moves endsAt later by exactly the time spent paused and clears pausedAt', () => {
    const resumed = changeStatus(base('paused'), 'pending', new Date('2026-11-04T06:00:00Z'));
    expect(resumed.endsAt).toBe('2026-11-17T06:00:00.000Z'); // paused 2 days 6 hours
    expect(resumed.pausedAt).toBeNull();
  });

  it('resuming a window that ends near the year 9999 stops at its last millisecond: the mission still loads', () => {
    const nearEnd = { ...base('paused'), endsAt: '9999-12-31T00:00:00.000Z' };
    const resumed = changeStatus(nearEnd, 'pending', new Date('2026-11-04T06:00:00Z'));
    expect(resumed.endsAt).toBe('9999-12-31T23:59:59.999Z');
    expect(Mission.safeParse(resumed).success).toBe(true);
  });

  it.each(['completed', 'archived'] as const)('leaving paused for %s keeps endsAt and clears pausedAt', (to) => {
    const left = changeStatus(base('paused'), to, new Date('2026-11-04T06:00:00Z'));
    expect(left.endsAt).toBe('2026-11-15T00:00:00.000Z');
    expect(left.pausedAt).toBeNull();
  });
});
