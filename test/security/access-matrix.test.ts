import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { count, eq, sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advocacyMeeting } from '../../src/features/advocacy/tables';
import { alert } from '../../src/features/alerts/tables';
import { team } from '../../src/features/allocation/tables';
import { episode, returnInterview } from '../../src/features/episodes/tables';
import { childrensHome } from '../../src/features/homes/tables';
import {
  intelCandidate,
  intelEntity,
  intelMerge,
  intelPattern,
  warningNotice,
} from '../../src/features/intelligence/tables';
import { justiceCase, justiceCaseStatus, justiceSupportReview } from '../../src/features/justice/tables';
import {
  notice,
  noticeAttachment,
  strategyAction,
  strategyDiscussion,
  thresholdOutcome,
} from '../../src/features/notices/tables';
import { placement } from '../../src/features/placements/tables';
import { childPhoto, childProfileEntry } from '../../src/features/profiles/tables';
import { careEpisode } from '../../src/features/reports/tables';
import { cseScreening } from '../../src/features/screening/tables';
import { currentTool } from '../../src/features/screening/tool';
import { breakGlass, childShare } from '../../src/features/sharing/tables';
import { sighting, sightingAccessCode } from '../../src/features/sightings/tables';
import {
  subgroup,
  subgroupAction,
  subgroupMeeting,
  subgroupMember,
} from '../../src/features/subgroup/tables';
import { trainingRecord, trainingStaff } from '../../src/features/training/tables';
import { permissionsOf, type Role, roleNames } from '../../src/platform/access/catalogue';
import { type AccessBasis, child, childAccess } from '../../src/platform/access/tables';
import { agency } from '../../src/platform/agencies/tables';
import { auditEvent } from '../../src/platform/audit/tables';
import { type PendingStep, setPendingStep } from '../../src/platform/auth/sessions';
import { apiToken, appUser } from '../../src/platform/auth/tables';
import { hashToken } from '../../src/platform/auth/tokens';
import { SESSION_COOKIE } from '../../src/platform/http/web';
import { demoUsers } from '../../src/synth/demo';
import { Browser, buildTestApp, type TestApp } from '../support/app';
import { type AccessRow, expandRoutes, type Relationship, routeKey, sampledRoles } from './route-access';

// Every route walked from Fastify, probed by every role and every relationship to the record that
// the table in route-access.ts names. Sampled: every route × every role for its first relationship
// (own agency, or none for routes without a record), and every record route × every relationship
// for the roles `sampledRoles` picks; signed out once per route.

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ apiRateLimitPerMinute: 0 });
}, 180_000);
afterAll(async () => {
  await t.close();
});

const LEEDS = 'E08000035';
const NORTH_YORKSHIRE = 'E06000065';
const DAY = 86_400_000;
/** One of the courses every database starts with. */
const TRAINING_COURSE = '7a1c0000-0000-4000-8000-000000000001';

function demoUserFor(role: Role) {
  const user = demoUsers.find((u) => u.roles.includes(role));
  if (!user) throw new Error(`no demo user holds ${role}`);
  return user;
}

const userRows = new Map<string, typeof appUser.$inferSelect>();
async function userRow(email: string) {
  const known = userRows.get(email);
  if (known) return known;
  const [row] = await t.services.withTransaction((tx) =>
    tx.select().from(appUser).where(eq(appUser.email, email)),
  );
  if (!row) throw new Error(`no user ${email}`);
  userRows.set(email, row);
  return row;
}

/** An agency outside every probing role's: North Yorkshire's council, or its police for the council. */
async function foreignAgencyFor(agencyId: string): Promise<string> {
  const la2 = (await userRow('neighbour.social@lantern.invalid')).agencyId;
  return la2 === agencyId ? (await userRow('neighbour.police@lantern.invalid')).agencyId : la2;
}

const browsers = new Map<string, Browser>();
async function browserFor(role: Role): Promise<Browser> {
  const existing = browsers.get(role);
  if (existing) return existing;
  const browser = new Browser(t.app);
  const res = await browser.signIn(demoUserFor(role).email);
  expect(res.statusCode, `sign-in as ${role}`).toBe(303);
  await browser.get('/');
  browsers.set(role, browser);
  return browser;
}

let stepBrowser: Browser | null = null;
/** One session part-way through sign-in, moved to whichever step the route needs. */
async function browserAtStep(step: PendingStep): Promise<Browser> {
  if (!stepBrowser) {
    stepBrowser = new Browser(t.app);
    await stepBrowser.signIn('analyst@lantern.invalid');
  }
  const token = stepBrowser.cookie(SESSION_COOKIE) ?? '';
  await t.services.withTransaction((tx) => setPendingStep(tx, hashToken(token), step));
  await stepBrowser.get('/sign-in');
  return stepBrowser;
}

let signedOut: Browser | null = null;
async function signedOutBrowser(): Promise<Browser> {
  if (!signedOut) {
    signedOut = new Browser(t.app);
    await signedOut.get('/sign-in');
  }
  return signedOut;
}

const tokens = new Map<Role, string>();
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

// ---------------------------------------------------------------------------------------------
// Fixtures: a record graph for each relationship, seen from the probing user's agency.

const bases: Partial<Record<Relationship, AccessBasis>> = {
  'own agency': 'creator',
  'placing authority': 'placing_authority',
  'host authority': 'host_authority',
  'episode force': 'episode_force',
  home: 'home',
  'case team': 'case_team',
  shared: 'share',
};

interface ChildGraph {
  child: string;
  episode: string;
  returnInterview: string;
  screening: string;
  placement: string;
  profileEntry: string;
  photo: string;
  careEpisode: string;
  warningNotice: string;
  advocacyMeeting: string;
  justiceCase: string;
  supportReview: string;
}

const childGraphs = new Map<string, Promise<ChildGraph>>();
function childGraph(relationship: Relationship, agencyId: string): Promise<ChildGraph> {
  const key = `${relationship} ${agencyId}`;
  let made = childGraphs.get(key);
  if (!made) {
    made = makeChildGraph(relationship, agencyId);
    childGraphs.set(key, made);
  }
  return made;
}

/**
 * A child and everything hanging off it. The user's agency holds one current child_access row of
 * the relationship's basis; an unrelated agency holds none (North Yorkshire holds the child); a
 * report-only agency reported the episode, screened the child and served the warning notice, and
 * holds no access.
 */
async function makeChildGraph(relationship: Relationship, agencyId: string): Promise<ChildGraph> {
  const foreign = await foreignAgencyFor(agencyId);
  const sharer = await userRow('neighbour.social@lantern.invalid');
  const basis = bases[relationship];
  const reporter = relationship === 'report-only' ? agencyId : foreign;
  const now = t.clock.now();
  const past = new Date(now.getTime() - 2 * DAY);
  return t.services.withTransaction(async (tx) => {
    const [c] = await tx
      .insert(child)
      .values({
        givenName: 'Probe',
        familyName: `Child ${relationship}`,
        dateOfBirth: '2011-05-04',
        lookedAfter: true,
        responsibleAuthorityCode: LEEDS,
        createdAt: past,
      })
      .returning({ id: child.id });
    const childId = c?.id ?? '';
    await tx
      .insert(childAccess)
      .values({ childId, agencyId: foreign, basis: 'creator', validFrom: past, validTo: null });
    const [access] = await tx
      .insert(childShare)
      .values({
        childId,
        agencyId,
        lawfulBasis: 'Children Act 1989 s.47',
        reason: 'Probe share',
        approvedBy: 'Probe Manager',
        sharedByUserId: sharer.id,
        sharedByAgencyId: foreign,
        createdAt: past,
        validTo: new Date(now.getTime() + 30 * DAY),
      })
      .returning({ id: childShare.id });
    if (basis) {
      await tx.insert(childAccess).values({
        childId,
        agencyId,
        basis,
        sourceId: basis === 'share' ? access?.id : null,
        validFrom: past,
        validTo: basis === 'share' ? new Date(now.getTime() + 30 * DAY) : null,
      });
    }
    const [e] = await tx
      .insert(episode)
      .values({
        childId,
        kind: 'missing',
        startedAt: new Date(now.getTime() - 3_600_000),
        reportedAt: new Date(now.getTime() - 3_000_000),
        reportedByAgencyId: reporter,
        policeForceCode: 'E23000010',
        createdAt: new Date(now.getTime() - 3_000_000),
      })
      .returning({ id: episode.id });
    const [ri] = await tx
      .insert(returnInterview)
      .values({
        episodeId: e?.id ?? '',
        childId,
        ownerAgencyId: agencyId,
        assignedAgencyId: agencyId,
        dueAt: new Date(now.getTime() + 3 * DAY),
        createdAt: now,
      })
      .returning({ id: returnInterview.id });
    const [s] = await tx
      .insert(cseScreening)
      .values({
        childId,
        toolVersion: currentTool.version,
        answers: {},
        items: [],
        score: 0,
        level: 'not_at_risk',
        reviewOn: '2026-06-01',
        screenedByAgencyId: reporter,
        screenedAt: now,
      })
      .returning({ id: cseScreening.id });
    const [p] = await tx
      .insert(placement)
      .values({
        childId,
        postcode: 'LS1 4AP',
        placementType: 'K2',
        provider: 'PR1',
        placingAuthorityCode: LEEDS,
        hostAuthorityCode: LEEDS,
        startDate: '2026-01-05',
        createdAt: past,
      })
      .returning({ id: placement.id });
    const [pe] = await tx
      .insert(childProfileEntry)
      .values({ childId, kind: 'phone', value: '07700 900123', createdAt: now })
      .returning({ id: childProfileEntry.id });
    const [ph] = await tx
      .insert(childPhoto)
      .values({
        childId,
        contentType: 'image/jpeg',
        bytes: Buffer.from([0xff, 0xd8, 0xff, 0xd9]),
        width: 1,
        height: 1,
        uploadedAt: now,
      })
      .returning({ id: childPhoto.id });
    const [ce] = await tx
      .insert(careEpisode)
      .values({
        childId,
        authorityCode: LEEDS,
        startedOn: '2026-01-05',
        reasonNewEpisode: 'S',
        legalStatus: 'C2',
        categoryOfNeed: 'N1',
        createdAt: past,
      })
      .returning({ id: careEpisode.id });
    const [person] = await tx
      .insert(intelEntity)
      .values({ kind: 'person', label: 'Probe Person', createdByAgencyId: foreign, createdAt: now })
      .returning({ id: intelEntity.id });
    const [w] = await tx
      .insert(warningNotice)
      .values({
        personId: person?.id ?? '',
        childId,
        servedByAgencyId: reporter,
        servedOn: '2026-02-01',
        terms: 'Probe terms',
        reviewOn: '2026-08-01',
        createdAt: now,
      })
      .returning({ id: warningNotice.id });
    const [am] = await tx
      .insert(advocacyMeeting)
      .values({
        childId,
        responsibleAuthorityCode: LEEDS,
        kind: 'care_review',
        meetingOn: '2026-02-01',
        offered: false,
        notOfferedReason: 'Probe',
        recordedByAgencyId: reporter,
        recordedAt: now,
        updatedAt: now,
      })
      .returning({ id: advocacyMeeting.id });
    // A justice case that ended with no further action, with its support review, recorded by the reporter.
    const [jc] = await tx
      .insert(justiceCase)
      .values({
        childId,
        crimeReference: '13/000001/26',
        recordedByAgencyId: reporter,
        status: 'no_further_action',
        statusOn: '2026-02-01',
        createdAt: now,
      })
      .returning({ id: justiceCase.id });
    const [js] = await tx
      .insert(justiceCaseStatus)
      .values({
        caseId: jc?.id ?? '',
        status: 'no_further_action',
        statusOn: '2026-02-01',
        recordedByAgencyId: reporter,
        recordedAt: now,
      })
      .returning({ id: justiceCaseStatus.id });
    const [jr] = await tx
      .insert(justiceSupportReview)
      .values({
        caseId: jc?.id ?? '',
        childId,
        statusId: js?.id ?? '',
        dueAt: new Date(now.getTime() + 14 * DAY),
        createdAt: now,
      })
      .returning({ id: justiceSupportReview.id });
    return {
      child: childId,
      episode: e?.id ?? '',
      returnInterview: ri?.id ?? '',
      screening: s?.id ?? '',
      placement: p?.id ?? '',
      profileEntry: pe?.id ?? '',
      photo: ph?.id ?? '',
      careEpisode: ce?.id ?? '',
      warningNotice: w?.id ?? '',
      advocacyMeeting: am?.id ?? '',
      justiceCase: jc?.id ?? '',
      supportReview: jr?.id ?? '',
    };
  });
}

interface NoticeGraph {
  notice: string;
  attachment: string;
  discussion: string;
}

const noticeGraphs = new Map<string, Promise<NoticeGraph>>();
function noticeGraph(relationship: Relationship, agencyId: string): Promise<NoticeGraph> {
  const key = `${relationship} ${agencyId}`;
  let made = noticeGraphs.get(key);
  if (!made) {
    made = makeNoticeGraph(relationship, agencyId);
    noticeGraphs.set(key, made);
  }
  return made;
}

/**
 * A notice about a Leeds child held by North Yorkshire: of Leeds (own agency), or of North
 * Yorkshire and raised by the user's agency (report-only), or of North Yorkshire while the user's
 * agency holds the child as placing authority, or of North Yorkshire with no part in it (unrelated).
 */
async function makeNoticeGraph(relationship: Relationship, agencyId: string): Promise<NoticeGraph> {
  const foreign = await foreignAgencyFor(agencyId);
  const now = t.clock.now();
  const past = new Date(now.getTime() - 2 * DAY);
  return t.services.withTransaction(async (tx) => {
    const [c] = await tx
      .insert(child)
      .values({
        givenName: 'Probe',
        familyName: `Notice ${relationship}`,
        responsibleAuthorityCode: LEEDS,
        createdAt: past,
      })
      .returning({ id: child.id });
    const childId = c?.id ?? '';
    await tx.insert(childAccess).values({ childId, agencyId: foreign, basis: 'creator', validFrom: past });
    if (relationship === 'placing authority') {
      await tx.insert(childAccess).values({ childId, agencyId, basis: 'placing_authority', validFrom: past });
    }
    const [n] = await tx
      .insert(notice)
      .values({
        childId,
        categories: ['missing'],
        whatHappened: 'Probe',
        source: 'Probe',
        areaAuthorityCode: relationship === 'own agency' ? LEEDS : NORTH_YORKSHIRE,
        raisedByAgencyId: relationship === 'report-only' ? agencyId : foreign,
        raisedAt: now,
        decisionDueAt: new Date(now.getTime() + 4 * 3_600_000),
      })
      .returning({ id: notice.id });
    const [a] = await tx
      .insert(noticeAttachment)
      .values({
        noticeId: n?.id ?? '',
        filename: 'probe.txt',
        contentType: 'text/plain',
        bytes: Buffer.from('Probe'),
        size: 5,
        uploadedAt: now,
      })
      .returning({ id: noticeAttachment.id });
    const [d] = await tx
      .insert(strategyDiscussion)
      .values({
        noticeId: n?.id ?? '',
        scheduledFor: new Date(now.getTime() + DAY),
        venue: 'Probe room',
        createdAt: now,
      })
      .returning({ id: strategyDiscussion.id });
    return { notice: n?.id ?? '', attachment: a?.id ?? '', discussion: d?.id ?? '' };
  });
}

interface AgencyGraph {
  agency: string;
  area: string;
  user: string;
  team: string;
  token: string;
  breakGlass: string;
  sightingCode: string;
  sighting: string;
  alert: string;
  subgroup: string;
  meeting: string;
  meetingAction: string;
  home: string;
  trainingStaff: string;
  trainingRecord: string;
}

const agencyGraphs = new Map<string, Promise<AgencyGraph>>();
function agencyGraph(relationship: Relationship, probing: typeof appUser.$inferSelect): Promise<AgencyGraph> {
  const key = `${relationship} ${probing.id}`;
  let made = agencyGraphs.get(key);
  if (!made) {
    made = makeAgencyGraph(relationship, probing);
    agencyGraphs.set(key, made);
  }
  return made;
}

/**
 * Records that belong to an agency, a person or an area: the probing user's own (own agency) or
 * North Yorkshire's (unrelated agency).
 */
async function makeAgencyGraph(
  relationship: Relationship,
  probing: typeof appUser.$inferSelect,
): Promise<AgencyGraph> {
  const own = relationship === 'own agency';
  const agencyId = own ? probing.agencyId : await foreignAgencyFor(probing.agencyId);
  const area = own ? LEEDS : NORTH_YORKSHIRE;
  const someone = own ? probing : await userRow('neighbour.social@lantern.invalid');
  const now = t.clock.now();
  const c = await childGraph('own agency', agencyId);
  const sg = await subgroupOf(area, someone.id, agencyId);
  return t.services.withTransaction(async (tx) => {
    const [a] = await tx
      .insert(agency)
      .values({
        name: `Probe agency ${randomUUID().slice(0, 6)}`,
        type: 'voluntary',
        localAuthorityCode: area,
      })
      .returning({ id: agency.id });
    const [u] = await tx
      .insert(appUser)
      .values({
        agencyId,
        email: `probe.${randomUUID()}@lantern.invalid`,
        name: 'Probe Colleague',
        roles: [],
        createdAt: now,
      })
      .returning({ id: appUser.id });
    const [tm] = await tx
      .insert(team)
      .values({ agencyId, name: `Probe team ${randomUUID().slice(0, 6)}`, createdAt: now })
      .returning({ id: team.id });
    const [tk] = await tx
      .insert(apiToken)
      .values({
        userId: someone.id,
        name: 'probe spare',
        tokenHash: hashToken(`lnt_spare_${randomUUID()}`),
        createdAt: now,
      })
      .returning({ id: apiToken.id });
    const [bg] = await tx
      .insert(breakGlass)
      .values({
        childId: c.child,
        userId: someone.id,
        agencyId,
        reason: 'Probe emergency',
        createdAt: new Date(now.getTime() - DAY),
        validTo: new Date(now.getTime() - DAY / 2),
      })
      .returning({ id: breakGlass.id });
    const [code] = await tx
      .insert(sightingAccessCode)
      .values({ agencyId, areaAuthorityCode: area, label: 'Probe', codeHash: randomUUID(), createdAt: now })
      .returning({ id: sightingAccessCode.id });
    const [si] = await tx
      .insert(sighting)
      .values({
        reference: `S-${randomUUID().slice(0, 9)}`,
        accessCodeId: code?.id ?? '',
        agencyId,
        areaAuthorityCode: area,
        seenAt: new Date(now.getTime() - 3_600_000),
        place: 'Probe',
        whatSeen: 'Probe',
        createdAt: now,
      })
      .returning({ id: sighting.id });
    const [al] = await tx
      .insert(alert)
      .values({
        agencyId,
        kind: 'episode-reported',
        childId: c.child,
        subjectType: 'episode',
        subjectId: c.episode,
        createdAt: now,
      })
      .returning({ id: alert.id });
    const [h] = await tx
      .insert(childrensHome)
      .values({
        urn: `SC${randomUUID().slice(0, 6)}`,
        name: 'Probe House',
        providerName: 'Probe Provider',
        providerAgencyId: agencyId,
        address: '1 Probe Street',
        postcode: own ? 'LS1 4AP' : 'YO1 7HH',
        localAuthorityCode: area,
        registeredPlaces: 4,
        status: 'active',
        importedAt: now,
      })
      .returning({ id: childrensHome.id });
    const [ts] = await tx
      .insert(trainingStaff)
      .values({ agencyId, givenName: 'Probe', familyName: 'Trainee', sector: 'other', createdAt: now })
      .returning({ id: trainingStaff.id });
    const [tr] = await tx
      .insert(trainingRecord)
      .values({
        staffId: ts?.id ?? '',
        courseId: TRAINING_COURSE,
        completedOn: '2026-01-05',
        validUntil: '2028-01-05',
        createdAt: now,
      })
      .returning({ id: trainingRecord.id });
    return {
      trainingStaff: ts?.id ?? '',
      trainingRecord: tr?.id ?? '',
      home: h?.id ?? '',
      agency: own ? probing.agencyId : (a?.id ?? ''),
      area,
      user: u?.id ?? '',
      team: tm?.id ?? '',
      token: tk?.id ?? '',
      breakGlass: bg?.id ?? '',
      sightingCode: code?.id ?? '',
      sighting: si?.id ?? '',
      alert: al?.id ?? '',
      subgroup: sg.subgroup,
      meeting: sg.meeting,
      meetingAction: sg.action,
    };
  });
}

const subgroups = new Map<string, Promise<{ subgroup: string; meeting: string; action: string }>>();
/** An area has one subgroup: made once, with a meeting and an action. */
function subgroupOf(area: string, leadUserId: string, agencyId: string) {
  let made = subgroups.get(area);
  if (!made) {
    made = t.services.withTransaction(async (tx) => {
      const now = t.clock.now();
      const [sg] = await tx
        .insert(subgroup)
        .values({
          authorityCode: area,
          name: `Probe subgroup ${randomUUID().slice(0, 6)}`,
          leadUserId: leadUserId,
          createdAt: now,
        })
        .returning({ id: subgroup.id });
      const [m] = await tx
        .insert(subgroupMeeting)
        .values({
          subgroupId: sg?.id ?? '',
          meetsAt: new Date(now.getTime() + 7 * DAY),
          venue: 'Probe room',
          createdAt: now,
        })
        .returning({ id: subgroupMeeting.id });
      const [ma] = await tx
        .insert(subgroupAction)
        .values({
          meetingId: m?.id ?? '',
          description: 'Probe action',
          ownerName: 'Probe Owner',
          ownerAgencyId: agencyId,
          dueOn: '2026-04-01',
          createdAt: now,
        })
        .returning({ id: subgroupAction.id });
      return { subgroup: sg?.id ?? '', meeting: m?.id ?? '', action: ma?.id ?? '' };
    });
    subgroups.set(area, made);
  }
  return made;
}

interface Globals {
  home: string;
  entity: string;
  pattern: string;
  cell: string;
  candidate: string;
  merge: string;
}

let globals: Globals | null = null;
async function globalRecords(): Promise<Globals> {
  if (globals) return globals;
  const police = (await userRow('police.mash@lantern.invalid')).agencyId;
  const user = await userRow('police.mash@lantern.invalid');
  const now = t.clock.now();
  globals = await t.services.withTransaction(async (tx) => {
    const [h] = await tx
      .insert(childrensHome)
      .values({
        urn: `SC${randomUUID().slice(0, 6)}`,
        name: 'Probe House',
        providerName: 'Probe Provider',
        address: '1 Probe Street, Leeds',
        postcode: 'LS1 4AP',
        localAuthorityCode: LEEDS,
        registeredPlaces: 4,
        status: 'active',
        importedAt: now,
      })
      .returning({ id: childrensHome.id });
    const entities = await tx
      .insert(intelEntity)
      .values(
        ['+447700900321', '+447700900322', '+447700900323', '+447700900324'].map((phone) => ({
          kind: 'phone' as const,
          label: phone,
          phoneE164: phone,
          createdByAgencyId: police,
          createdAt: now,
        })),
      )
      .returning({ id: intelEntity.id });
    const [e0, e1, e2, e3] = entities.map((e) => e.id);
    const [pt] = await tx
      .insert(intelPattern)
      .values({
        entityId: e0 ?? '',
        areaAuthorityCode: LEEDS,
        windowDays: 28,
        threshold: 3,
        raisedAt: now,
        updatedAt: now,
      })
      .returning({ id: intelPattern.id });
    const [cand] = await tx
      .insert(intelCandidate)
      .values({
        entityA: [e0, e1].sort()[0] ?? '',
        entityB: [e0, e1].sort()[1] ?? '',
        score: 0.9,
        reasons: [],
        status: 'open',
        foundAt: now,
      })
      .returning({ id: intelCandidate.id });
    const [mg] = await tx
      .insert(intelMerge)
      .values({
        survivorId: e2 ?? '',
        mergedId: e3 ?? '',
        movedLinkIds: [],
        movedFromLinkIds: [],
        mergedByUserId: user.id,
        mergedAt: now,
      })
      .returning({ id: intelMerge.id });
    return {
      home: h?.id ?? '',
      entity: e0 ?? '',
      pattern: pt?.id ?? '',
      cell: latLngToCell(53.7965, -1.5478, 9),
      candidate: cand?.id ?? '',
      merge: mg?.id ?? '',
    };
  });
  return globals;
}

// ---------------------------------------------------------------------------------------------
// Filling a route's parameters from the fixtures.

async function concreteUrl(row: AccessRow, probing: typeof appUser.$inferSelect | null): Promise<string> {
  const url = row.route.url;
  const rel = row.relationship === 'signed out' ? row.signedOutAs : row.relationship;
  const viewer = probing ?? (await userRow('police.mash@lantern.invalid'));
  const g = await globalRecords();
  const kind = row.record;
  const c = kind === 'child' ? await childGraph(rel, viewer.agencyId) : null;
  const n = kind === 'notice' ? await noticeGraph(rel, viewer.agencyId) : null;
  const a = kind === 'agency' ? await agencyGraph(rel, viewer) : null;
  const key = routeKey(row.route);
  const param = async (name: string, before: string): Promise<string> => {
    // Routes that consume their record (end, remove, done, close) get a fresh one each time.
    const fresh = freshRecords[key];
    if (fresh && fresh.param === name) return fresh.make({ child: c, notice: n, agency: a, viewer });
    if (c) {
      switch (name) {
        case 'placementId':
          return c.placement;
        case 'photoId':
          return c.photo;
        case 'episodeId':
          return c.careEpisode;
        case 'kind':
          return 'phones';
        case 'type':
          return 'child';
      }
      if (/\/(api\/v1\/)?episodes\/$/.test(before)) return c.episode;
      if (/\/return-interviews\/$/.test(before)) return c.returnInterview;
      if (/\/screenings\/$/.test(before)) return c.screening;
      if (/\/warning-notices\/$/.test(before)) return c.warningNotice;
      if (/\/advocacy(-meetings)?\/$/.test(before)) return c.advocacyMeeting;
      if (/\/justice-cases\/$/.test(before)) return c.justiceCase;
      if (/\/support-reviews\/$/.test(before)) return c.supportReview;
      return c.child;
    }
    if (n) {
      if (name === 'attachmentId') return n.attachment;
      if (/\/strategy-discussions\/$/.test(before)) return n.discussion;
      return n.notice;
    }
    if (a) {
      if (name === 'area') return a.area;
      if (name === 'userId') return a.user;
      if (/\/admin\/users\/$/.test(before)) return a.user;
      if (/\/admin\/agencies\/$/.test(before)) return a.agency;
      if (/\/teams\/$/.test(before)) return a.team;
      if (/\/api-tokens\/$/.test(before)) return a.token;
      if (/\/break-glass\/$/.test(before)) return a.breakGlass;
      if (/\/sighting-codes\/$/.test(before)) return a.sightingCode;
      if (/\/sightings\/$/.test(before)) return a.sighting;
      if (/\/alerts\/$/.test(before)) return a.alert;
      if (/\/subgroups\/$/.test(before)) return a.subgroup;
      if (/\/subgroup-meetings\/$/.test(before)) return a.meeting;
      if (/\/homes\/$/.test(before)) return a.home;
      if (/\/training\/organisations\/$/.test(before)) return a.agency;
      if (/\/training\/staff\/$/.test(before)) return a.trainingStaff;
      if (/\/training\/records\/$/.test(before)) return a.trainingRecord;
    }
    if (/\/admin\/training\/courses\/$/.test(before)) return TRAINING_COURSE;
    if (name === 'format') return 'csv';
    if (name === 'table') return 'Header';
    if (name === 'cell') return g.cell;
    if (/\/intelligence\/(entities|network\/entity|evidence\/entity)\/$/.test(before)) return g.entity;
    if (/\/intelligence\/patterns\/$/.test(before)) return g.pattern;
    if (/\/intelligence\/resolution\/$/.test(before)) return g.candidate;
    if (/\/intelligence\/merges\/$/.test(before)) return g.merge;
    throw new Error(`no fixture for :${name} in ${url}`);
  };
  let out = '';
  let rest = url;
  for (;;) {
    const m = /:([A-Za-z]+)/.exec(rest);
    if (!m) break;
    out += rest.slice(0, m.index);
    out += await param(m[1] ?? '', out);
    rest = rest.slice(m.index + m[0].length);
  }
  const query = url.includes(':table') ? '?year=2026' : '';
  return (out + rest).replace(/\*$/, 'stylesheets/application.css') + query;
}

/** The same route with every record id replaced by one that exists nowhere: the answer for a missing record. */
function missingUrl(concrete: string): string {
  return concrete
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, () => randomUUID())
    .replace(/\/(E0[0-9]{7})(\/|$)/, '/E09999999$2');
}

interface FixtureSet {
  child: ChildGraph | null;
  notice: NoticeGraph | null;
  agency: AgencyGraph | null;
  viewer: typeof appUser.$inferSelect;
}

async function insertedId<T extends { id: string }>(rows: Promise<T[]>): Promise<string> {
  const [row] = await rows;
  if (!row) throw new Error('fixture insert returned nothing');
  return row.id;
}

const freshRecords: Record<string, { param: string; make: (f: FixtureSet) => Promise<string> }> = {
  'POST /children/:id/shares/:shareId/end': {
    param: 'shareId',
    make: async (f) => {
      const sharer = await userRow('neighbour.social@lantern.invalid');
      const police = await userRow('neighbour.police@lantern.invalid');
      return t.services.withTransaction((tx) =>
        insertedId(
          tx
            .insert(childShare)
            .values({
              childId: f.child?.child ?? '',
              agencyId: police.agencyId,
              lawfulBasis: 'Children Act 1989 s.47',
              reason: 'Probe share',
              approvedBy: 'Probe Manager',
              sharedByUserId: sharer.id,
              sharedByAgencyId: sharer.agencyId,
              createdAt: t.clock.now(),
              validTo: new Date(t.clock.now().getTime() + 30 * DAY),
            })
            .returning({ id: childShare.id }),
        ),
      );
    },
  },
  'POST /children/:id/profile/entries/:entryId/remove': {
    param: 'entryId',
    make: (f) =>
      t.services.withTransaction((tx) =>
        insertedId(
          tx
            .insert(childProfileEntry)
            .values({
              childId: f.child?.child ?? '',
              kind: 'phone',
              value: '07700 900124',
              createdAt: t.clock.now(),
            })
            .returning({ id: childProfileEntry.id }),
        ),
      ),
  },
  'POST /strategy-discussions/:id/actions/:actionId/done': {
    param: 'actionId',
    make: (f) =>
      t.services.withTransaction((tx) =>
        insertedId(
          tx
            .insert(strategyAction)
            .values({
              discussionId: f.notice?.discussion ?? '',
              description: 'Probe action',
              ownerAgencyId: f.viewer.agencyId,
              ownerName: 'Probe Owner',
              dueOn: '2026-04-01',
              createdAt: t.clock.now(),
            })
            .returning({ id: strategyAction.id }),
        ),
      ),
  },
  'POST /subgroup-meetings/:id/actions/:actionId/done': {
    param: 'actionId',
    make: (f) =>
      t.services.withTransaction((tx) =>
        insertedId(
          tx
            .insert(subgroupAction)
            .values({
              meetingId: f.agency?.meeting ?? '',
              description: 'Probe action',
              ownerName: 'Probe Owner',
              ownerAgencyId: f.viewer.agencyId,
              dueOn: '2026-04-01',
              createdAt: t.clock.now(),
            })
            .returning({ id: subgroupAction.id }),
        ),
      ),
  },
  'POST /subgroups/:id/members/:userId/remove': {
    param: 'userId',
    make: async (f) => {
      await t.services.withTransaction((tx) =>
        tx
          .insert(subgroupMember)
          .values({
            subgroupId: f.agency?.subgroup ?? '',
            userId: f.agency?.user ?? '',
            joinedAt: t.clock.now(),
          })
          .onConflictDoNothing(),
      );
      return f.agency?.user ?? '';
    },
  },
  'POST /intelligence/patterns/:id/close': {
    param: 'id',
    make: async () => {
      const police = await userRow('police.mash@lantern.invalid');
      return t.services.withTransaction(async (tx) => {
        const entity = await insertedId(
          tx
            .insert(intelEntity)
            .values({
              kind: 'person',
              label: 'Probe Person',
              createdByAgencyId: police.agencyId,
              createdAt: t.clock.now(),
            })
            .returning({ id: intelEntity.id }),
        );
        return insertedId(
          tx
            .insert(intelPattern)
            .values({
              entityId: entity,
              areaAuthorityCode: LEEDS,
              windowDays: 28,
              threshold: 3,
              raisedAt: t.clock.now(),
              updatedAt: t.clock.now(),
            })
            .returning({ id: intelPattern.id }),
        );
      });
    },
  },
  'POST /admin/thresholds/:area/outcomes/:code/remove': {
    param: 'code',
    make: async (f) => {
      const code = `probe${randomUUID().slice(0, 6)}`;
      await t.services.withTransaction((tx) =>
        tx
          .insert(thresholdOutcome)
          .values({ authorityCode: f.agency?.area ?? LEEDS, code, label: 'Probe outcome', position: 99 }),
      );
      return code;
    },
  },
  'POST /break-glass/:id/review': {
    param: 'id',
    make: async (f) => {
      const c = await childGraph('own agency', f.viewer.agencyId);
      const someone = await userRow('neighbour.social@lantern.invalid');
      const own = f.agency?.agency === f.viewer.agencyId;
      return t.services.withTransaction((tx) =>
        insertedId(
          tx
            .insert(breakGlass)
            .values({
              childId: c.child,
              userId: own ? f.viewer.id : someone.id,
              agencyId: own ? f.viewer.agencyId : someone.agencyId,
              reason: 'Probe emergency',
              createdAt: new Date(t.clock.now().getTime() - DAY),
              validTo: new Date(t.clock.now().getTime() - DAY / 2),
            })
            .returning({ id: breakGlass.id }),
        ),
      );
    },
  },
};

/** Forms that must be well formed for the record check to answer rather than the form's own. */
const webBodies: Record<string, Record<string, string>> = {
  'POST /intelligence/networks': { area: LEEDS },
  'POST /break-glass/:id/review': { outcome: 'Probe review' },
};

// ---------------------------------------------------------------------------------------------
// Probing.

type Answer = 'admitted' | 'not found' | 'sign-in' | 'unauthorised' | 'forbidden' | 'error';

function answerOf(res: LightMyRequestResponse): Answer {
  if (res.statusCode >= 500) return 'error';
  if (res.statusCode === 404) return 'not found';
  if (res.statusCode === 401) return 'unauthorised';
  if (res.statusCode === 403) return 'forbidden';
  if (res.statusCode >= 300 && res.statusCode < 400) {
    if (/^\/sign-in(\?|$)/.test(String(res.headers.location ?? ''))) return 'sign-in';
  }
  return 'admitted';
}

/** The answer a refusal must take: not found for the signed in, sign-in or 401 for the signed out. */
function refusal(row: AccessRow): Answer {
  const api = row.route.url.startsWith('/api/v1/');
  if (row.relationship === 'signed out') return api ? 'unauthorised' : 'sign-in';
  if (row.record === 'step') return 'sign-in';
  return api ? 'not found' : 'not found';
}

/** Audit events of reads (views, lists, queues, exports) and of refused attempts: not writes. */
const READS =
  '(view|list|search|queue|history|prefill|listed|child|shown|links|pack|cell|form|overdue|work|unallocated|subject-access|lookup|no-match|refused|failed)$';

/** Audit events of writes: every change adds one (DESIGN §5). */
async function auditedWrites(): Promise<number> {
  const [row] = await t.services.withTransaction((tx) =>
    tx.select({ n: count() }).from(auditEvent).where(sql`${auditEvent.action} !~ ${READS}`),
  );
  return row?.n ?? 0;
}

/**
 * Whether the route's declaration lets the probe through to its handler: otherwise the refusal
 * comes before any handler runs, and nothing can have been written.
 */
function passesDeclaration(row: AccessRow): boolean {
  if (row.role === null || row.relationship === 'signed out') return false;
  const access = row.route.access;
  if (access === 'public' || access === 'signed-in') return true;
  return typeof access === 'string' && permissionsOf([row.role]).has(access);
}

async function send(row: AccessRow, missing = false): Promise<{ res: LightMyRequestResponse; url: string }> {
  const api = row.route.url.startsWith('/api/v1/');
  const signedIn = row.role !== null && row.relationship !== 'signed out';
  const probing = signedIn ? await userRow(demoUserFor(row.role as Role).email) : null;
  const concrete = await concreteUrl(row, probing);
  const url = missing ? missingUrl(concrete) : concrete;
  const method = row.route.method as 'GET' | 'POST';
  if (api) {
    const headers: Record<string, string> = {};
    if (signedIn) headers.authorization = `Bearer ${await tokenFor(row.role as Role)}`;
    if (method === 'GET') return { res: await t.app.inject({ method, url, headers }), url };
    return { res: await t.app.inject({ method, url, headers, payload: {} }), url };
  }
  const browser = !signedIn
    ? await signedOutBrowser()
    : row.relationship === 'sign-in step'
      ? await browserAtStep((row.route.access as { pendingStep: PendingStep }).pendingStep)
      : await browserFor(row.role as Role);
  if (method === 'GET') return { res: await browser.get(url), url };
  return { res: await browser.post(url, webBodies[routeKey(row.route)] ?? {}), url };
}

describe('access matrix', () => {
  it('admits and refuses every route exactly as the table says', { timeout: 600_000 }, async () => {
    const { rows, missing, stale } = expandRoutes(t.routes);
    expect(missing, 'routes without a row in route-access.ts').toEqual([]);
    expect(stale, 'rows for routes that no longer exist').toEqual([]);
    // Signing out ends the session the later probes use: it goes last.
    rows.sort((x, y) => Number(x.route.url === '/sign-out') - Number(y.route.url === '/sign-out'));
    const unexpectedAllows: string[] = [];
    const unexpectedDenies: string[] = [];
    const wrongAnswers: string[] = [];
    const observed: string[] = [];
    for (const row of rows) {
      // A refused write must write nothing: the audit log records every write.
      const watchWrites = !row.allow && row.route.method !== 'GET' && passesDeclaration(row);
      const before = watchWrites ? await auditedWrites() : 0;
      const { res } = await send(row);
      const wrote = watchWrites ? (await auditedWrites()) - before : 0;
      let answer = answerOf(res);
      const label = `${row.route.method} ${row.route.url} as ${row.role ?? 'nobody'} (${row.relationship}) → ${res.statusCode}${answer === 'sign-in' ? ' sign-in' : ''}`;
      // A form that checks its input before its record answers a forbidden record exactly as a
      // missing one: that is a refusal too, provided nothing was written.
      if (
        !row.allow &&
        answer !== refusal(row) &&
        row.record !== 'none' &&
        row.record !== 'public' &&
        wrote === 0
      ) {
        const { res: absent } = await send(row, true);
        if (absent.statusCode === res.statusCode && answerOf(absent) === answer) answer = refusal(row);
      }
      observed.push(`${row.allow ? 'A' : 'D'} ${label}${wrote ? ` wrote ${wrote}` : ''}`);
      if (answer === 'error') wrongAnswers.push(`${label}: server error`);
      else if (row.allow) {
        if (answer !== 'admitted') unexpectedDenies.push(label);
      } else if (answer === 'admitted' || wrote > 0)
        unexpectedAllows.push(`${label}${wrote ? `, wrote ${wrote} audit rows` : ''}`);
      else if (answer !== refusal(row)) wrongAnswers.push(`${label}, expected ${refusal(row)}`);
    }
    if (process.env.ACCESS_MATRIX_DUMP) writeFileSync(process.env.ACCESS_MATRIX_DUMP, observed.join('\n'));
    const routes = new Set(rows.map((r) => routeKey(r.route))).size;
    const relationships = new Set(rows.map((r) => r.relationship)).size;
    console.log(
      `Access matrix: ${rows.length} probes across ${routes} routes × ${roleNames.length} roles × ${relationships} relationships: ${unexpectedAllows.length} unexpected allows, ${unexpectedDenies.length} unexpected denies (sampled: every route × every role for its first relationship; every other relationship for ${sampledRoles} role${sampledRoles === 1 ? '' : 's'} per route; signed out once per route)`,
    );
    expect(unexpectedAllows.join('\n'), 'unexpected allows').toBe('');
    expect(unexpectedDenies.join('\n'), 'unexpected denies').toBe('');
    expect(wrongAnswers.join('\n'), 'refusals in the wrong form, or server errors').toBe('');
  });
});
