import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advocacyMeeting } from '../../src/features/advocacy/tables';
import { episode, riskGrading } from '../../src/features/episodes/tables';
import { intelEntity } from '../../src/features/intelligence/tables';
import { justiceCase } from '../../src/features/justice/tables';
import { notice } from '../../src/features/notices/tables';
import { childPhoto } from '../../src/features/profiles/tables';
import { cseScreening } from '../../src/features/screening/tables';
import { currentTool } from '../../src/features/screening/tool';
import { sighting, sightingAccessCode } from '../../src/features/sightings/tables';
import { trainingStaff } from '../../src/features/training/tables';
import type { Role } from '../../src/platform/access/catalogue';
import { child, childAccess } from '../../src/platform/access/tables';
import { agency } from '../../src/platform/agencies/tables';
import { apiToken, appUser } from '../../src/platform/auth/tables';
import { hashToken } from '../../src/platform/auth/tokens';
import { demoUsers } from '../../src/synth/demo';
import { Browser, buildTestApp, type TestApp } from '../support/app';
import { type ExpectedAccess, expectedAccess } from './expected-access';

let t: TestApp;
const browsers = new Map<Role, Browser>();
const tokens = new Map<Role, string>();
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

function demoUserFor(role: Role) {
  const user = demoUsers.find((u) => u.roles.includes(role));
  if (!user) throw new Error(`no demo user holds ${role}`);
  return user;
}

async function userRow(email: string) {
  const [row] = await t.services.withTransaction((tx) =>
    tx.select().from(appUser).where(eq(appUser.email, email)),
  );
  if (!row) throw new Error(`no user ${email}`);
  return row;
}

async function browserFor(role: Role): Promise<Browser> {
  const existing = browsers.get(role);
  if (existing) return existing;
  const browser = new Browser(t.app);
  const res = await browser.signIn(demoUserFor(role).email);
  expect(res.statusCode, `sign-in as ${role}`).toBe(303);
  browsers.set(role, browser);
  return browser;
}

/** A bearer token for the role's demo user, made directly: tokens carry whatever their owner may do. */
async function tokenFor(role: Role): Promise<string> {
  const existing = tokens.get(role);
  if (existing) return existing;
  const user = await userRow(demoUserFor(role).email);
  const token = `lnt_probe_${randomUUID()}`;
  await t.services.withTransaction((tx) =>
    tx
      .insert(apiToken)
      .values({ userId: user.id, name: 'probe', tokenHash: hashToken(token), createdAt: t.clock.now() }),
  );
  tokens.set(role, token);
  return token;
}

/** Makes a child whose relationship to the role's agency is the one named. */
async function childFixture(role: Role, relationship: ExpectedAccess['relationship']) {
  const own = await userRow(demoUserFor(role).email);
  const other = await userRow(
    role === 'police_mash_officer' ? 'neighbour.social@lantern.invalid' : 'neighbour.police@lantern.invalid',
  );
  const name = `Probe${randomUUID().slice(0, 8)}`;
  const now = t.clock.now();
  return t.services.withTransaction(async (tx) => {
    const [row] = await tx
      .insert(child)
      .values({ givenName: name, familyName: 'Child', createdAt: now })
      .returning();
    if (!row) throw new Error('child fixture');
    const agencyId = relationship === 'no-relationship' ? other.agencyId : own.agencyId;
    const expired = relationship === 'access-expired';
    await tx.insert(childAccess).values({
      childId: row.id,
      agencyId,
      basis: 'share',
      validFrom: new Date(now.getTime() - 48 * 3_600_000),
      validTo: expired ? new Date(now.getTime() - 3_600_000) : null,
    });
    return { id: row.id, name, agencyId };
  });
}

const LEEDS = 'E08000035';
const NORTH_YORKSHIRE = 'E06000065';

/**
 * A concern notice about a child: of Leeds when the role's agency holds access to the child, raised
 * by North Yorkshire Police so that raising it grants nothing; otherwise of North Yorkshire, raised
 * by the agency there that holds access.
 */
async function noticeFixture(role: Role, relationship: ExpectedAccess['relationship']) {
  const c = await childFixture(role, relationship);
  const ours = relationship === 'agency-holds-access';
  const raiser = ours ? (await userRow('neighbour.police@lantern.invalid')).agencyId : c.agencyId;
  const now = t.clock.now();
  const [row] = await t.services.withTransaction((tx) =>
    tx
      .insert(notice)
      .values({
        childId: c.id,
        categories: ['missing'],
        whatHappened: 'Probe',
        source: 'Probe',
        areaAuthorityCode: ours ? LEEDS : NORTH_YORKSHIRE,
        raisedByAgencyId: raiser,
        raisedAt: now,
        decisionDueAt: new Date(now.getTime() + 4 * 3_600_000),
      })
      .returning({ id: notice.id }),
  );
  return row?.id ?? '';
}

/** A sighting reported through the Leeds hotel's code, seen in Leeds or in North Yorkshire. */
async function sightingFixture(relationship: ExpectedAccess['relationship']) {
  const hotel = await userRow('hotel.admin@lantern.invalid');
  const now = t.clock.now();
  return t.services.withTransaction(async (tx) => {
    const [code] = await tx
      .insert(sightingAccessCode)
      .values({
        agencyId: hotel.agencyId,
        areaAuthorityCode: LEEDS,
        label: 'Probe',
        codeHash: randomUUID(),
        createdAt: now,
      })
      .returning({ id: sightingAccessCode.id });
    const [row] = await tx
      .insert(sighting)
      .values({
        reference: `S-${randomUUID().slice(0, 9)}`,
        accessCodeId: code?.id ?? '',
        agencyId: hotel.agencyId,
        areaAuthorityCode: relationship === 'same-area' ? LEEDS : NORTH_YORKSHIRE,
        seenAt: new Date(now.getTime() - 3_600_000),
        place: 'Probe',
        whatSeen: 'Probe',
        createdAt: now,
      })
      .returning({ id: sighting.id });
    return row?.id ?? '';
  });
}

/**
 * A staff member whose training is recorded: of the role's own agency, of another organisation in
 * Leeds (the area of every demo role), or of one in North Yorkshire.
 */
async function trainingStaffFixture(role: Role, relationship: ExpectedAccess['relationship']) {
  const own = await userRow(demoUserFor(role).email);
  return t.services.withTransaction(async (tx) => {
    let agencyId = own.agencyId;
    if (relationship !== 'same-agency') {
      const [a] = await tx
        .insert(agency)
        .values({
          name: `Probe organisation ${randomUUID().slice(0, 6)}`,
          type: 'voluntary',
          localAuthorityCode: relationship === 'same-area' ? LEEDS : NORTH_YORKSHIRE,
        })
        .returning({ id: agency.id });
      agencyId = a?.id ?? '';
    }
    const [row] = await tx
      .insert(trainingStaff)
      .values({
        agencyId,
        givenName: 'Probe',
        familyName: 'Trainee',
        sector: 'voluntary',
        createdAt: t.clock.now(),
      })
      .returning({ id: trainingStaff.id });
    return row?.id ?? '';
  });
}

async function userFixture(role: Role, relationship: ExpectedAccess['relationship']) {
  const own = await userRow(demoUserFor(role).email);
  const leeds = await userRow('social.mash@lantern.invalid');
  const other = own.agencyId === leeds.agencyId ? await userRow('police.mash@lantern.invalid') : leeds;
  const agencyId = relationship === 'same-agency' ? own.agencyId : other.agencyId;
  if (relationship === 'other-agency' && agencyId === own.agencyId)
    throw new Error('fixture needs another agency');
  const [row] = await t.services.withTransaction((tx) =>
    tx
      .insert(appUser)
      .values({
        agencyId,
        email: `probe.${randomUUID()}@lantern.invalid`,
        name: 'Probe Colleague',
        roles: [],
        createdAt: t.clock.now(),
      })
      .returning({ id: appUser.id }),
  );
  return row?.id ?? '';
}

describe('expected access (generated from the table)', () => {
  for (const row of expectedAccess) {
    const verdict = row.allow ? 'may' : 'may not';
    it(`a ${row.role} ${verdict} see a ${row.resource} (${row.relationship})`, async () => {
      const browser = await browserFor(row.role);
      switch (row.resource) {
        case 'child record': {
          const c = await childFixture(row.role, row.relationship);
          const page = await browser.get(`/children/${c.id}`);
          expect(page.statusCode).toBe(row.allow ? 200 : 404);
          expect(page.body.includes(c.name)).toBe(row.allow);
          const api = await t.app.inject({
            url: `/api/v1/children/${c.id}`,
            headers: { authorization: `Bearer ${await tokenFor(row.role)}` },
          });
          expect(api.statusCode).toBe(row.allow ? 200 : 404);
          break;
        }
        case 'child correction form': {
          const c = await childFixture(row.role, row.relationship);
          const page = await browser.get(`/children/${c.id}/correct`);
          expect(page.statusCode).toBe(row.allow ? 200 : 404);
          expect(page.body.includes(c.name)).toBe(row.allow);
          const post = await browser.post(`/children/${c.id}/correct`, {
            field: 'familyName',
            value: 'Corrected',
            reason: 'Probe of the correction',
          });
          expect(post.statusCode).toBe(row.allow ? 303 : 404);
          break;
        }
        case 'child profile': {
          const c = await childFixture(row.role, row.relationship);
          const [photo] = await t.services.withTransaction((tx) =>
            tx
              .insert(childPhoto)
              .values({
                childId: c.id,
                contentType: 'image/jpeg',
                bytes: Buffer.from([0xff, 0xd8, 0xff, 0xd9]),
                width: 1,
                height: 1,
                uploadedAt: t.clock.now(),
              })
              .returning({ id: childPhoto.id }),
          );
          for (const url of [
            `/children/${c.id}/profile`,
            `/children/${c.id}/profile/print`,
            `/children/${c.id}/photos/${photo?.id}`,
          ]) {
            const page = await browser.get(url);
            expect(page.statusCode, url).toBe(row.allow ? 200 : 404);
          }
          break;
        }
        case 'child profile form': {
          const c = await childFixture(row.role, row.relationship);
          for (const url of [
            `/children/${c.id}/profile/details`,
            `/children/${c.id}/profile/phones/new`,
            `/children/${c.id}/profile/photo`,
          ]) {
            const page = await browser.get(url);
            expect(page.statusCode, url).toBe(row.allow ? 200 : 404);
          }
          break;
        }
        case 'episode': {
          const c = await childFixture(row.role, row.relationship);
          const [e] = await t.services.withTransaction((tx) =>
            tx
              .insert(episode)
              .values({
                childId: c.id,
                kind: 'missing',
                startedAt: new Date(t.clock.now().getTime() - 3_600_000),
                reportedAt: t.clock.now(),
                reportedByAgencyId: c.agencyId,
                createdAt: t.clock.now(),
              })
              .returning({ id: episode.id }),
          );
          const page = await browser.get(`/episodes/${e?.id}`);
          expect(page.statusCode).toBe(row.allow ? 200 : 404);
          break;
        }
        case 'risk review list entry': {
          const c = await childFixture(row.role, row.relationship);
          const now = t.clock.now().getTime();
          await t.services.withTransaction(async (tx) => {
            const [e] = await tx
              .insert(episode)
              .values({
                childId: c.id,
                kind: 'missing',
                startedAt: new Date(now - 3 * 3_600_000),
                reportedAt: new Date(now - 3 * 3_600_000),
                reportedByAgencyId: c.agencyId,
                createdAt: new Date(now - 3 * 3_600_000),
              })
              .returning({ id: episode.id });
            await tx.insert(riskGrading).values({
              episodeId: e?.id ?? '',
              grade: 'medium',
              rationale: 'Probe',
              gradedAt: new Date(now - 2 * 3_600_000),
              nextReviewAt: new Date(now - 3_600_000),
            });
          });
          const list = await browser.get('/episodes/reviews-overdue');
          expect(list.body.includes(c.name)).toBe(row.allow);
          if (row.allow) expect(list.statusCode).toBe(200);
          break;
        }
        case 'child list entry': {
          const c = await childFixture(row.role, row.relationship);
          const list = await browser.get('/children');
          expect(list.body.includes(c.name)).toBe(row.allow);
          break;
        }
        case 'user account': {
          const id = await userFixture(row.role, row.relationship);
          expect((await browser.get(`/admin/users/${id}`)).statusCode).toBe(row.allow ? 200 : 404);
          break;
        }
        case 'concern notice': {
          const id = await noticeFixture(row.role, row.relationship);
          expect((await browser.get(`/notices/${id}`)).statusCode).toBe(row.allow ? 200 : 404);
          const api = await t.app.inject({
            url: `/api/v1/notices/${id}`,
            headers: { authorization: `Bearer ${await tokenFor(row.role)}` },
          });
          expect(api.statusCode).toBe(row.allow ? 200 : 404);
          break;
        }
        case 'work queues': {
          for (const url of ['/work', '/work/unallocated']) {
            expect((await browser.get(url)).statusCode, url).toBe(row.allow ? 200 : 404);
          }
          break;
        }
        case 'allocation': {
          const c = await childFixture(row.role, row.relationship);
          const page = await browser.get(`/allocations/child/${c.id}`);
          expect(page.statusCode).toBe(row.allow ? 200 : 404);
          expect(page.body.includes(c.name)).toBe(row.allow);
          break;
        }
        case 'MASH queue': {
          for (const url of ['/mash', '/mash/sightings']) {
            expect((await browser.get(url)).statusCode, url).toBe(row.allow ? 200 : 404);
          }
          for (const url of ['/api/v1/notices', '/api/v1/sightings']) {
            const api = await t.app.inject({
              url,
              headers: { authorization: `Bearer ${await tokenFor(row.role)}` },
            });
            expect(api.statusCode, url).toBe(row.allow ? 200 : 404);
          }
          break;
        }
        case 'chronology': {
          const c = await childFixture(row.role, row.relationship);
          const page = await browser.get(`/children/${c.id}/chronology`);
          expect(page.statusCode).toBe(row.allow ? 200 : 404);
          expect(page.body.includes(c.name)).toBe(row.allow);
          break;
        }
        case 'decision at 18': {
          const c = await childFixture(row.role, row.relationship);
          const page = await browser.get(`/children/${c.id}/at-18`);
          expect(page.statusCode).toBe(row.allow ? 200 : 404);
          expect(page.body.includes(c.name)).toBe(row.allow);
          break;
        }
        case 'subject access export': {
          const c = await childFixture(row.role, row.relationship);
          for (const url of [`/children/${c.id}/subject-access`, `/children/${c.id}/subject-access.json`]) {
            expect((await browser.get(url)).statusCode, url).toBe(row.allow ? 200 : 404);
          }
          break;
        }
        case 'CSE screening': {
          const c = await childFixture(row.role, row.relationship);
          const [s] = await t.services.withTransaction((tx) =>
            tx
              .insert(cseScreening)
              .values({
                childId: c.id,
                toolVersion: currentTool.version,
                answers: {},
                items: [],
                score: 0,
                level: 'not_at_risk',
                reviewOn: '2026-06-01',
                screenedByAgencyId: c.agencyId,
                screenedAt: t.clock.now(),
              })
              .returning({ id: cseScreening.id }),
          );
          expect((await browser.get(`/screenings/${s?.id}`)).statusCode).toBe(row.allow ? 200 : 404);
          const api = await t.app.inject({
            url: `/api/v1/screenings/${s?.id}`,
            headers: { authorization: `Bearer ${await tokenFor(row.role)}` },
          });
          expect(api.statusCode).toBe(row.allow ? 200 : 404);
          break;
        }
        case 'training staff member': {
          const id = await trainingStaffFixture(row.role, row.relationship);
          const page = await browser.get(`/training/staff/${id}`);
          expect(page.statusCode).toBe(row.allow ? 200 : 404);
          expect(page.body.includes('Trainee')).toBe(row.allow);
          const api = await t.app.inject({
            url: `/api/v1/training/staff/${id}`,
            headers: { authorization: `Bearer ${await tokenFor(row.role)}` },
          });
          expect(api.statusCode).toBe(row.allow ? 200 : 404);
          break;
        }
        case 'sighting': {
          const id = await sightingFixture(row.relationship);
          expect((await browser.get(`/sightings/${id}`)).statusCode).toBe(row.allow ? 200 : 404);
          const api = await t.app.inject({
            url: `/api/v1/sightings/${id}`,
            headers: { authorization: `Bearer ${await tokenFor(row.role)}` },
          });
          expect(api.statusCode).toBe(row.allow ? 200 : 404);
          break;
        }
        case 'audit log':
          expect((await browser.get('/audit')).statusCode).toBe(row.allow ? 200 : 404);
          break;
        case 'agency list':
          expect((await browser.get('/admin/agencies')).statusCode).toBe(row.allow ? 200 : 404);
          break;
        case 'child intelligence': {
          const c = await childFixture(row.role, row.relationship);
          const page = await browser.get(`/children/${c.id}/intelligence`);
          expect(page.statusCode).toBe(row.allow ? 200 : 404);
          expect(page.body.includes(c.name)).toBe(row.allow);
          break;
        }
        case 'justice case': {
          const c = await childFixture(row.role, row.relationship);
          const [jc] = await t.services.withTransaction((tx) =>
            tx
              .insert(justiceCase)
              .values({
                childId: c.id,
                crimeReference: 'Probe/0001/26',
                recordedByAgencyId: c.agencyId,
                status: 'investigating',
                statusOn: '2026-02-01',
                createdAt: t.clock.now(),
              })
              .returning({ id: justiceCase.id }),
          );
          for (const url of [`/justice-cases/${jc?.id}`, `/children/${c.id}/justice`]) {
            const page = await browser.get(url);
            expect(page.statusCode, url).toBe(row.allow ? 200 : 404);
            expect(page.body.includes('Probe/0001/26'), url).toBe(row.allow);
          }
          const api = await t.app.inject({
            url: `/api/v1/justice-cases/${jc?.id}`,
            headers: { authorization: `Bearer ${await tokenFor(row.role)}` },
          });
          expect(api.statusCode).toBe(row.allow ? 200 : 404);
          break;
        }
        case 'advocacy meeting':
        case 'advocacy form': {
          const c = await childFixture(row.role, row.relationship);
          const [m] = await t.services.withTransaction((tx) =>
            tx
              .insert(advocacyMeeting)
              .values({
                childId: c.id,
                responsibleAuthorityCode: LEEDS,
                kind: 'care_review',
                meetingOn: '2026-02-01',
                offered: false,
                notOfferedReason: 'Probe reason not offered',
                recordedByAgencyId: c.agencyId,
                recordedAt: t.clock.now(),
                updatedAt: t.clock.now(),
              })
              .returning({ id: advocacyMeeting.id }),
          );
          const urls =
            row.resource === 'advocacy meeting'
              ? [`/advocacy/${m?.id}`, `/children/${c.id}/advocacy`]
              : [`/advocacy/${m?.id}/edit`, `/children/${c.id}/advocacy/new`];
          for (const url of urls) {
            const page = await browser.get(url);
            expect(page.statusCode, url).toBe(row.allow ? 200 : 404);
            expect(page.body.includes(c.name), url).toBe(row.allow);
          }
          if (row.resource === 'advocacy meeting') {
            const api = await t.app.inject({
              url: `/api/v1/advocacy-meetings/${m?.id}`,
              headers: { authorization: `Bearer ${await tokenFor(row.role)}` },
            });
            expect(api.statusCode).toBe(row.allow ? 200 : 404);
          }
          break;
        }
        case 'evidence pack': {
          const c = await childFixture(row.role, row.relationship);
          for (const url of [
            `/intelligence/evidence/child/${c.id}`,
            `/intelligence/evidence/child/${c.id}?format=json`,
          ]) {
            const page = await browser.get(url);
            expect(page.statusCode, url).toBe(row.allow ? 200 : 404);
            expect(page.body.includes(c.name), url).toBe(row.allow);
          }
          break;
        }
        case 'network around a child': {
          const c = await childFixture(row.role, row.relationship);
          const page = await browser.get(`/intelligence/network/child/${c.id}`);
          expect(page.statusCode).toBe(row.allow ? 200 : 404);
          expect(page.body.includes(c.name)).toBe(row.allow);
          break;
        }
        case 'care episodes': {
          const c = await childFixture(row.role, row.relationship);
          const page = await browser.get(`/children/${c.id}/care-episodes`);
          expect(page.statusCode).toBe(row.allow ? 200 : 404);
          expect(page.body.includes(c.name)).toBe(row.allow);
          break;
        }
        case 'dashboard':
          expect((await browser.get('/reports/dashboard')).statusCode).toBe(row.allow ? 200 : 404);
          break;
        case 'annual report':
          expect((await browser.get('/reports/annual')).statusCode).toBe(row.allow ? 200 : 404);
          break;
        case 'SSDA903 export':
          expect((await browser.get('/reports/ssda903')).statusCode).toBe(row.allow ? 200 : 404);
          break;
        case 'episode import':
          expect((await browser.get('/reports/imports')).statusCode).toBe(row.allow ? 200 : 404);
          break;
        case 'row-level download':
          expect((await browser.get('/reports/rows')).statusCode).toBe(row.allow ? 200 : 404);
          break;
        case 'area networks':
          expect((await browser.get('/intelligence/networks')).statusCode).toBe(row.allow ? 200 : 404);
          break;
        case 'hotspots':
          expect((await browser.get('/intelligence/hotspots')).statusCode).toBe(row.allow ? 200 : 404);
          break;
        case 'resolution queue':
          expect((await browser.get('/intelligence/resolution')).statusCode).toBe(row.allow ? 200 : 404);
          break;
        case 'intelligence entity': {
          const creator = (await userRow('police.mash@lantern.invalid')).agencyId;
          const [made] = await t.services.withTransaction((tx) =>
            tx
              .insert(intelEntity)
              .values({
                kind: 'phone',
                label: '+447700900321',
                phoneE164: '+447700900321',
                createdByAgencyId: creator,
                createdAt: t.clock.now(),
              })
              .returning({ id: intelEntity.id }),
          );
          const page = await browser.get(`/intelligence/entities/${made?.id}`);
          expect(page.statusCode).toBe(row.allow ? 200 : 404);
          expect(page.body.includes('+447700900321')).toBe(row.allow);
          break;
        }
      }
    });
  }
});
