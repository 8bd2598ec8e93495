// Visibility and change rights (SPEC §9) through the tools, on the in-memory store and on PostgreSQL
// (where visibility is a WHERE clause): one shared store, several clients with different identities. A mission the caller may not see does not exist for it; one it may
// see but not change is forbidden; owner always comes from the identity. Also the read-only server.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_USER, tokenPrincipal, type Identity } from '../src/mission/access.js';
import { openMemoryStore, openStore } from '../src/store/index.js';
import type { MissionStore } from '../src/store/types.js';
import { call, connectInMemory, ok, type Harness } from './helpers.js';
import { freshDatabase } from './pg/db.js';

const ALICE = tokenPrincipal('alice', 'acme');
const BOB = tokenPrincipal('bob', 'acme'); // alice's org
const CAROL = tokenPrincipal('carol', 'globex'); // another org
const DAVE = tokenPrincipal('dave', null); // no org
const ERIN = tokenPrincipal('erin', null); // no org either: that is not "the same org"
// Two people who share a user name: alice of acme and alice of globex are not one principal.
const ALICE_GLOBEX = tokenPrincipal('alice', 'globex');
// What an auth-file entry { "user": "local", "org": "evilcorp" } used to make: the auth file refuses
// the name now (test/http-access.test.ts), and even built by hand it owns nothing of the local user.
const FORGED_LOCAL: Identity = { kind: 'token', user: 'local', org: 'evilcorp' };

let store: MissionStore;
const clients: Record<string, Harness> = {};
const who = { alice: ALICE, bob: BOB, carol: CAROL, dave: DAVE, erin: ERIN, local: LOCAL_USER, aliceGlobex: ALICE_GLOBEX, forgedLocal: FORGED_LOCAL } as const;
type Who = keyof typeof who;

const STORES = [
  ['memory', async () => openMemoryStore()],
  ['postgres', async () => openStore(await freshDatabase('access'), { log: () => undefined })],
] as const;

describe.each(STORES)('access on the %s store', (_kind, openShared) => {
  beforeAll(async () => {
    store = await openShared();
    for (const [name, identity] of Object.entries(who)) clients[name] = await connectInMemory({ store, identity });
  });
  afterAll(async () => {
    for (const h of Object.values(clients)) await h.close();
    await store.close();
  });

  const as = (name: Who) => clients[name]!.client;

  interface Fixture {
    alicePrivate: string;
    aliceOrg: string;
    alicePublic: string;
    daveOrg: string;
    carolPrivate: string;
    localPrivate: string;
  }
  let fx: Fixture;

  async function mission(name: Who, visibility: string, title: string): Promise<string> {
    return (await ok(as(name), 'createMission', { title, goal: `goal of ${title}`, visibility, schedule: { type: 'continuous' } })).mission.id;
  }

  beforeEach(async () => {
    // a fresh set of missions for every test, in the one shared store
    for (const m of (await store.list({ limit: 100 }, LOCAL_USER, new Date())).missions) await store.write(() => ({ remove: [m.id], result: null }));
    fx = {
      alicePrivate: await mission('alice', 'private', 'Alice private'),
      aliceOrg: await mission('alice', 'organization', 'Alice org'),
      alicePublic: await mission('alice', 'public', 'Alice public'),
      daveOrg: await mission('dave', 'organization', 'Dave org'),
      carolPrivate: await mission('carol', 'private', 'Carol private'),
      localPrivate: await mission('local', 'private', 'Local private'),
    };
  });

  const CHANGES = [
    ['updateMission', (id: string) => ({ id, title: 'hijacked' })],
    ['pauseMission', (id: string) => ({ id })],
    ['resumeMission', (id: string) => ({ id })],
    ['deleteMission', (id: string) => ({ id, force: true })],
  ] as const;

  async function expectErrorCode(name: Who, tool: string, args: Record<string, unknown>, code: string) {
    const answer = await call(as(name), tool, args);
    expect(answer.isError, `${name} ${tool} ${JSON.stringify(args)}: ${answer.text}`).toBe(true);
    expect(answer.body.error.code, `${name} ${tool}`).toBe(code);
    expect(answer.body.error.param).toBe('id');
    return answer.body.error;
  }

  async function snapshot(): Promise<string> {
    return JSON.stringify((await store.list({ limit: 100, sort: 'createdAt', order: 'asc' }, LOCAL_USER, new Date())).missions);
  }

  describe('visibility', () => {
    const expected: Record<Who, (keyof Fixture)[]> = {
      alice: ['alicePrivate', 'aliceOrg', 'alicePublic'],
      bob: ['aliceOrg', 'alicePublic'],
      carol: ['alicePublic', 'carolPrivate'],
      dave: ['alicePublic', 'daveOrg'],
      erin: ['alicePublic'],
      local: ['alicePrivate', 'aliceOrg', 'alicePublic', 'daveOrg', 'carolPrivate', 'localPrivate'],
      aliceGlobex: ['alicePublic'],
      forgedLocal: ['alicePublic'],
    };

    it.each(Object.keys(expected) as Who[])('%s lists exactly the missions it may see, and total counts only those', async (name) => {
      const page = await ok(as(name), 'listMissions', { limit: 100 });
      const want = expected[name].map((k) => fx[k]).sort();
      expect(page.missions.map((m: any) => m.id).sort()).toEqual(want);
      expect(page.total).toBe(want.length);
      // filters and pages do not leak either
      const small = await ok(as(name), 'listMissions', { limit: 1, status: 'active' });
      expect(small.total).toBe(want.length);
      const byQuery = await ok(as(name), 'listMissions', { query: 'private' });
      expect(byQuery.missions.map((m: any) => m.id).every((id: string) => want.includes(id))).toBe(true);
      const byVisibility = await ok(as(name), 'listMissions', { visibility: 'private', mode: 'compact' });
      expect(byVisibility.missions.map((m: any) => m.id).every((id: string) => want.includes(id))).toBe(true);
      // getMission agrees with the list
      for (const key of Object.keys(fx) as (keyof Fixture)[]) {
        const answer = await call(as(name), 'getMission', { id: fx[key] });
        if (want.includes(fx[key])) expect(answer.isError, `${name} get ${key}`).toBe(false);
        else expect(answer.body.error?.code, `${name} get ${key}`).toBe('not_found');
      }
    });

    it('an invisible mission is not_found for every tool, with the same answer as an id that never existed, and nothing changes', async () => {
      const ghost = 'msn_GhostGhostGhostGhost';
      const cases: [Who, keyof Fixture][] = [
        ['bob', 'alicePrivate'],
        ['carol', 'alicePrivate'],
        ['carol', 'aliceOrg'],
        ['dave', 'aliceOrg'],
        ['erin', 'daveOrg'],
        ['alice', 'carolPrivate'],
        ['aliceGlobex', 'alicePrivate'],
        ['forgedLocal', 'localPrivate'],
      ];
      const before = await snapshot();
      for (const [name, key] of cases) {
        const id = fx[key];
        for (const [tool, args] of [['getMission', (i: string) => ({ id: i })], ...CHANGES] as const) {
          const error = await expectErrorCode(name, tool, args(id), 'not_found');
          const ghostAnswer = await call(as(name), tool, args(ghost));
          expect(JSON.stringify(error).replaceAll(id, 'ID'), `${name} ${tool} ${key} looks like a missing id`).toBe(
            JSON.stringify(ghostAnswer.body.error).replaceAll(ghost, 'ID'),
          );
          expect(error.message).not.toContain(key.startsWith('alice') ? 'alice' : key.startsWith('dave') ? 'dave' : 'carol');
        }
      }
      expect(await snapshot()).toBe(before);
    });

    it('changing visibility changes who sees it', async () => {
      expect((await call(as('carol'), 'getMission', { id: fx.alicePrivate })).isError).toBe(true);
      await ok(as('alice'), 'updateMission', { id: fx.alicePrivate, visibility: 'public' });
      expect((await ok(as('carol'), 'getMission', { id: fx.alicePrivate })).mission.title).toBe('Alice private');
      await ok(as('alice'), 'updateMission', { id: fx.alicePrivate, visibility: 'organization' });
      expect((await call(as('carol'), 'getMission', { id: fx.alicePrivate })).body.error.code).toBe('not_found');
      expect((await ok(as('bob'), 'getMission', { id: fx.alicePrivate })).mission.id).toBe(fx.alicePrivate);
    });
  });

  describe('change rights', () => {
    it('a caller who sees but may not change gets forbidden on update, delete, pause and resume; nothing changes', async () => {
      const cases: [Who, keyof Fixture][] = [
        ['carol', 'alicePublic'], // public, other org
        ['dave', 'alicePublic'], // public, no org
        ['erin', 'alicePublic'],
      ];
      const before = await snapshot();
      for (const [name, key] of cases) {
        for (const [tool, args] of CHANGES) {
          const error = await expectErrorCode(name, tool, args(fx[key]), 'forbidden');
          expect(error.message).toMatch(/access denied|may not|only its owner/i);
        }
      }
      expect(await snapshot()).toBe(before);
      // a paused public mission: resume is forbidden too
      await ok(as('alice'), 'pauseMission', { id: fx.alicePublic });
      await expectErrorCode('carol', 'resumeMission', { id: fx.alicePublic }, 'forbidden');
      expect((await ok(as('alice'), 'getMission', { id: fx.alicePublic })).mission.status).toBe('paused');
    });

    it('the owner and users of the owner org may change organization and public missions; owner never changes', async () => {
      for (const key of ['aliceOrg', 'alicePublic'] as const) {
        const r = await ok(as('bob'), 'updateMission', { id: fx[key], title: `bob edited ${key}` });
        expect(r.updated).toEqual(['title']);
        expect(r.mission.owner).toEqual({ user: 'alice', org: 'acme' });
        expect((await ok(as('bob'), 'pauseMission', { id: fx[key] })).mission.status).toBe('paused');
        expect((await ok(as('bob'), 'resumeMission', { id: fx[key] })).mission.status).toBe('pending');
      }
      expect(await ok(as('bob'), 'deleteMission', { id: fx.aliceOrg })).toEqual({ id: fx.aliceOrg, deleted: true });
      // alice changes her own private one
      expect((await ok(as('alice'), 'updateMission', { id: fx.alicePrivate, title: 'mine' })).mission.title).toBe('mine');
      // without an org there is no "same org": dave's organization mission is dave's alone
      await expectErrorCode('erin', 'updateMission', { id: fx.daveOrg, title: 'x' }, 'not_found');
      expect((await ok(as('dave'), 'updateMission', { id: fx.daveOrg, title: 'dave edits' })).mission.title).toBe('dave edits');
      // the local user (stdio, CLI) sees and changes everything
      expect((await ok(as('local'), 'updateMission', { id: fx.carolPrivate, title: 'local edits' })).mission.owner).toEqual({ user: 'carol', org: 'globex' });
      expect(await ok(as('local'), 'deleteMission', { id: fx.alicePrivate })).toEqual({ id: fx.alicePrivate, deleted: true });
    });

    it('owner comes from the identity, never from input', async () => {
      const m = (await ok(as('bob'), 'createMission', { title: 'Bob mission', goal: 'g' })).mission;
      expect(m.owner).toEqual({ user: 'bob', org: 'acme' });
      const d = (await ok(as('dave'), 'createMission', { title: 'Dave mission', goal: 'g' })).mission;
      expect(d.owner).toEqual({ user: 'dave', org: null });
      const before = await snapshot();
      for (const [tool, args] of [
        ['createMission', { title: 'x', goal: 'g', owner: { user: 'alice', org: 'acme' } }],
        ['updateMission', { id: m.id, owner: { user: 'alice', org: 'acme' } }],
        ['updateMission', { id: m.id, title: 'x', owner: 'alice' }],
      ] as const) {
        const answer = await call(as('bob'), tool, args);
        expect(answer.isError, `${tool}: ${answer.text}`).toBe(true);
        expect(answer.body.error.code).toBe('invalid_request');
        expect(answer.body.error.param).toBe('owner');
        const issue = answer.body.error.issues.find((i: any) => i.path === 'owner');
        expect(issue.message).toMatch(/owner/);
        expect(issue.message).toMatch(/unknown field/i);
      }
      expect(await snapshot()).toBe(before);
      // compact mode does not show owner, full mode does; neither lets it be set
      expect((await ok(as('bob'), 'getMission', { id: m.id, mode: 'full' })).mission.owner).toEqual({ user: 'bob', org: 'acme' });
    });
  });

  describe('principals cannot be forged by naming', () => {
    const ALL_TOOLS = [['getMission', (id: string) => ({ id })], ...CHANGES] as const;

    it('a token user named "local" in another org neither sees nor changes the local user\'s private missions', async () => {
      const before = await snapshot();
      for (const [tool, args] of ALL_TOOLS) await expectErrorCode('forgedLocal', tool, args(fx.localPrivate), 'not_found');
      const page = await ok(as('forgedLocal'), 'listMissions', { limit: 100 });
      expect(page.missions.map((m: any) => m.id)).toEqual([fx.alicePublic]);
      expect(await snapshot()).toBe(before);
      // and what it creates is its own, with its org: the local user's missions keep { local, null }
      const mine = (await ok(as('forgedLocal'), 'createMission', { title: 'evil', goal: 'g' })).mission;
      expect(mine.owner).toEqual({ user: 'local', org: 'evilcorp' });
      expect((await ok(as('local'), 'getMission', { id: fx.localPrivate })).mission.owner).toEqual({ user: 'local', org: null });
    });

    it('no token principal can be named "local" (in any case)', () => {
      for (const name of ['local', 'LOCAL', ' Local ']) expect(() => tokenPrincipal(name, null)).toThrow(/local user/);
      expect(tokenPrincipal('default', null)).toEqual({ kind: 'token', user: 'default', org: null });
    });

    it('one user name in two orgs is two principals: neither sees nor changes the other\'s private missions', async () => {
      const before = await snapshot();
      for (const [tool, args] of ALL_TOOLS) await expectErrorCode('aliceGlobex', tool, args(fx.alicePrivate), 'not_found');
      // her acme namesake's organization mission is not hers either
      for (const [tool, args] of ALL_TOOLS) await expectErrorCode('aliceGlobex', tool, args(fx.aliceOrg), 'not_found');
      // public: she sees it but it is not hers to change
      for (const [tool, args] of CHANGES) await expectErrorCode('aliceGlobex', tool, args(fx.alicePublic), 'forbidden');
      expect(await snapshot()).toBe(before);
      // and the other way round
      const hers = (await ok(as('aliceGlobex'), 'createMission', { title: 'globex alice', goal: 'g' })).mission;
      expect(hers.owner).toEqual({ user: 'alice', org: 'globex' });
      await expectErrorCode('alice', 'getMission', { id: hers.id }, 'not_found');
      await expectErrorCode('alice', 'deleteMission', { id: hers.id, force: true }, 'not_found');
      expect((await ok(as('aliceGlobex'), 'getMission', { id: hers.id })).mission.title).toBe('globex alice');
    });
  });

  describe('read-only server', () => {
    it('lists only getMission and listMissions, and refuses createMission', async () => {
      const ro = await connectInMemory({ store, identity: ALICE, readOnly: true });
      try {
        const tools = (await ro.client.listTools()).tools;
        expect(tools.map((t) => t.name).sort()).toEqual(['getMission', 'getRun', 'listMissions', 'listRuns']);
        for (const t of tools) expect(t.annotations?.readOnlyHint).toBe(true);
        // reads work, on the shared data
        expect((await ok(ro.client, 'getMission', { id: fx.alicePrivate })).mission.title).toBe('Alice private');
        expect((await ok(ro.client, 'listMissions', {})).total).toBe(3);
        const before = await snapshot();
        for (const [tool, args] of [
          ['createMission', { title: 'x', goal: 'y' }],
          ['updateMission', { id: fx.alicePrivate, title: 'x' }],
          ['deleteMission', { id: fx.alicePrivate }],
          ['pauseMission', { id: fx.alicePrivate }],
        ] as const) {
          let failed = false;
          try {
            const answer = await call(ro.client, tool, args);
            failed = answer.isError;
          } catch (error) {
            failed = true;
            expect(String(error)).toMatch(new RegExp(tool));
          }
          expect(failed, `${tool} must fail on a read-only server`).toBe(true);
        }
        expect(await snapshot()).toBe(before);
      } finally {
        await ro.close();
      }
    });
  });
});
