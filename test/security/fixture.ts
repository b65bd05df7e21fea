import { eq } from 'drizzle-orm';
import { returnInterview } from '../../src/features/episodes/tables';
import { childrensHome } from '../../src/features/homes/tables';
import { sighting } from '../../src/features/sightings/tables';
import { appUser } from '../../src/platform/auth/tables';
import type { TestApp } from '../support/app';
import { contextFor } from '../support/contexts';

export const LEEDS = 'E08000035';
export const WEST_YORKSHIRE_POLICE = 'E23000010';

/** Intelligence and health text no page should show to a role without the matching permission. */
export const INTELLIGENCE_TEXT = 'Intelmarker Zorvath seen passing cash outside the arcade';
export const HEALTH_TEXT = 'Healthmarker Quennelby inhaler twice a day';
export const MEDICATION_TEXT = 'Medmarker Pellucine tablets at night';

export interface FixtureChild {
  id: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  localAuthorityChildId: string;
  phone: string;
  postcode: string;
  episodeId: string;
  noticeId: string;
}

export interface LeedsFixture {
  children: FixtureChild[];
  returnInterviewId: string;
  sightingId: string;
  sightingReference: string;
  /** A person of concern linked to every fixture child. */
  personId: string;
  personName: string;
  /** A phone linked only to the first child: reached only through that child. */
  phoneId: string;
  phoneNumber: string;
  linkIds: string[];
  logId: string;
  /** Every id and name of the fixture that concerns a child (entities aside). */
  childTerms: string[];
}

const names = [
  ['Zephyrine', 'Quillfeather'],
  ['Marisol', 'Drummondley'],
  ['Tobiah', 'Wrexhamstone'],
] as const;

/** Two entities of the intelligence, made before the children so a baseline can include them. */
export async function fixtureEntities(t: TestApp) {
  const police = await contextFor(t, 'police.mash@lantern.invalid');
  const person = await t.services.intelligence.createEntity(police, {
    kind: 'person',
    givenName: 'Ottoline',
    familyName: 'Grimsdyke',
  });
  const phone = await t.services.intelligence.createEntity(police, { kind: 'phone', number: '07700 900781' });
  return {
    personId: person.id,
    personName: 'Ottoline Grimsdyke',
    phoneId: phone.id,
    phoneNumber: '07700 900781',
  };
}

/**
 * Children, episodes, a return interview, notices, a sighting and intelligence, all held by the
 * Leeds demo agencies (the council and West Yorkshire Police), made through the services as users
 * would make them.
 */
export async function leedsFixture(
  t: TestApp,
  entities: Awaited<ReturnType<typeof fixtureEntities>>,
): Promise<LeedsFixture> {
  const social = await contextFor(t, 'social.mash@lantern.invalid');
  const police = await contextFor(t, 'police.mash@lantern.invalid');
  const hotel = await contextFor(t, 'hotel.admin@lantern.invalid');
  const now = t.clock.now().getTime();
  const hoursAgo = (h: number) => new Date(now - h * 3_600_000);
  const children: FixtureChild[] = [];
  const linkIds: string[] = [];
  for (const [i, [givenName, familyName]] of names.entries()) {
    const localAuthorityChildId = `LCX${4100 + i}`;
    const postcode = `LS6 ${i + 1}QJ`;
    const phone = `07700 90065${i}`;
    const dateOfBirth = `201${i}-04-1${i}`;
    const id = await t.services.children.create(social, {
      givenName,
      familyName,
      dateOfBirth,
      localAuthorityChildId,
      homePostcode: postcode,
      homeAddress: `${12 + i} Probe Terrace`,
    });
    await t.services.profiles.update(social, id, { healthNeeds: HEALTH_TEXT, medication: MEDICATION_TEXT });
    await t.services.profiles.addEntry(social, id, { kind: 'phone', value: phone });
    const episodeId = await t.services.episodes.report(social, id, {
      kind: 'missing',
      startedAt: hoursAgo(30 - i),
      policeForceCode: WEST_YORKSHIRE_POLICE,
      circumstances: `Left after an argument (${givenName})`,
    });
    const noticeId = await t.services.notices.raise(social, {
      childId: id,
      categories: ['missing', 'sexual_exploitation'],
      whatHappened: `Seen getting into cars (${givenName})`,
      source: 'Probe source',
      areaAuthorityCode: LEEDS,
    });
    linkIds.push(
      await t.services.intelligence.link(police, {
        childId: id,
        entityId: entities.personId,
        type: 'associates_with',
        occurredAt: hoursAgo(20),
        sourceType: 'episode',
        sourceId: episodeId,
        sourceGrade: '2',
        informationGrade: 'B',
        handlingCode: 'P',
      }),
    );
    children.push({
      id,
      givenName,
      familyName,
      dateOfBirth,
      localAuthorityChildId,
      phone,
      postcode,
      episodeId,
      noticeId,
    });
  }
  const first = children[0];
  if (!first) throw new Error('fixture children');
  // A link with handling code C stays inside the agency that recorded it.
  const last = children[children.length - 1];
  if (!last) throw new Error('fixture children');
  linkIds.push(
    await t.services.intelligence.link(police, {
      childId: last.id,
      entityId: entities.personId,
      type: 'seen_with',
      occurredAt: hoursAgo(17),
      sourceType: 'episode',
      sourceId: last.episodeId,
      sourceGrade: '3',
      informationGrade: 'E',
      handlingCode: 'C',
      handlingConditions: 'Not to be shared outside West Yorkshire Police',
    }),
  );
  const logId = await t.services.intelligence.addLogEntry(police, {
    childId: first.id,
    summary: INTELLIGENCE_TEXT,
    occurredAt: hoursAgo(18),
  });
  linkIds.push(
    await t.services.intelligence.link(police, {
      childId: first.id,
      entityId: entities.phoneId,
      type: 'contacted_by',
      occurredAt: hoursAgo(18),
      sourceType: 'log',
      sourceId: logId,
      sourceGrade: '2',
      informationGrade: 'B',
      handlingCode: 'P',
    }),
  );
  await t.services.episodes.close(social, first.episodeId, { endedAt: hoursAgo(2), returnedTo: 'Home' });
  const [interview] = await t.services.withTransaction((tx) =>
    tx
      .select({ id: returnInterview.id })
      .from(returnInterview)
      .where(eq(returnInterview.episodeId, first.episodeId)),
  );
  const code = await t.services.sightings.issueCode(hotel, { label: 'Probe reception' });
  const { reference } = await t.services.sightings.report(hotel, {
    code: code.code,
    seenAt: hoursAgo(3),
    place: 'Probe Quay car park',
    whatSeen: `A girl like ${first.givenName} with two older men`,
  });
  const sightingId = await t.services.withTransaction(async (tx) => {
    const [row] = await tx
      .select({ id: sighting.id })
      .from(sighting)
      .where(eq(sighting.reference, reference));
    return row?.id ?? '';
  });
  await t.services.sightings.link(social, sightingId, first.id);
  const childTerms = [
    ...children.flatMap((c) => [
      c.id,
      c.episodeId,
      c.noticeId,
      c.givenName,
      c.familyName,
      c.localAuthorityChildId,
    ]),
    ...linkIds,
    logId,
    interview?.id ?? '',
    sightingId,
    reference,
    INTELLIGENCE_TEXT,
    HEALTH_TEXT,
    MEDICATION_TEXT,
    'Not to be shared outside West Yorkshire Police',
  ];
  return {
    children,
    returnInterviewId: interview?.id ?? '',
    sightingId,
    sightingReference: reference,
    ...entities,
    linkIds,
    logId,
    childTerms,
  };
}

/** Records of Leeds beyond the children's own, each shown only to some of those who may use its page. */
export interface LeedsRecords {
  /** A children's home in Leeds: shown to its authority, the force covering it and its provider. */
  homeId: string;
  /** A warning notice on the fixture's person about the second child. */
  warningNoticeId: string;
  /** A strategy discussion of a Leeds notice, with the Leeds agencies invited. */
  strategyDiscussionId: string;
  /** The Leeds subgroup, led by the Leeds chair, and one of its meetings. */
  subgroupId: string;
  meetingId: string;
  /** A sighting kept as intelligence three years ago: due for review by the Leeds council. */
  dueSightingId: string;
  /** A justice case of the first child that ended with no further action, and its support review. */
  justiceCaseId: string;
  /** A justice case of the second child still open. */
  openJusticeCaseId: string;
  supportReviewId: string;
  /** A care review of the first child with advocacy offered and accepted. */
  advocacyMeetingId: string;
  /** A member of the Leeds hotel's staff, seen by the hotel and Leeds, with one training record. */
  trainingOrganisationId: string;
  trainingStaffId: string;
  trainingRecordId: string;
  /** Every id and name of these records. */
  terms: string[];
}

/**
 * A home, a warning notice, a strategy discussion, a subgroup with a meeting and a record due for
 * review, all of Leeds and made through the services as users would make them, so the leak probes
 * have something of each kind to forbid.
 */
export async function leedsRecords(t: TestApp, fixture: LeedsFixture): Promise<LeedsRecords> {
  const social = await contextFor(t, 'social.mash@lantern.invalid');
  const police = await contextFor(t, 'police.mash@lantern.invalid');
  const hub = await contextFor(t, 'hub.admin@lantern.invalid');
  const chair = await contextFor(t, 'chair@lantern.invalid');
  const hotel = await contextFor(t, 'hotel.admin@lantern.invalid');
  const [first, second] = fixture.children;
  if (!first || !second) throw new Error('fixture children');
  const now = t.clock.now();

  const register = [
    'urn,name,provider,address,postcode,local_authority,registered_places,status',
    'SC410001,Probe Lodge,Probe Care Homes Ltd,7 Probe Row,LS6 4QJ,Leeds,3,active',
  ].join('\n');
  const imported = await t.services.homes.importRegister(hub, register, true);
  if (!imported.ok) throw new Error('home register');
  const homeId = await t.services.withTransaction(async (tx) => {
    const [row] = await tx
      .select({ id: childrensHome.id })
      .from(childrensHome)
      .where(eq(childrensHome.urn, 'SC410001'));
    return row?.id ?? '';
  });

  const warningNoticeId = await t.services.warningNotices.record(police, second.id, {
    personId: fixture.personId,
    servedOn: '2026-05-20',
    terms: 'Probe terms: no contact with the child',
    reviewOn: '2026-11-20',
  });

  const discussedNoticeId = await t.services.notices.raise(social, {
    childId: first.id,
    categories: ['sexual_exploitation'],
    whatHappened: `Disclosure at school (${first.givenName})`,
    source: 'Probe school',
    areaAuthorityCode: LEEDS,
  });
  await t.services.notices.propose(social, discussedNoticeId, {
    outcomeCode: 'strategy',
    rationale: 'Agreed in the MASH',
  });
  await t.services.notices.confirm(police, discussedNoticeId);
  const strategyDiscussionId = await t.services.strategyDiscussions.schedule(social, discussedNoticeId, {
    scheduledFor: new Date(now.getTime() + 86_400_000),
    venue: 'Probe Room 4',
    inviteeAgencyIds: [social.actor?.agencyId ?? '', police.actor?.agencyId ?? ''],
  });

  const subgroupId = await t.services.subgroups.create(chair, {
    authorityCode: LEEDS,
    name: 'Probe Leeds subgroup',
    leadEmail: 'chair@lantern.invalid',
  });
  const meetingId = await t.services.subgroups.scheduleMeeting(chair, subgroupId, {
    meetsAt: new Date(now.getTime() + 7 * 86_400_000),
    venue: 'Probe Hall',
  });

  // Reported and kept as intelligence three years ago, so its review is due now.
  t.clock.set(new Date(now.getTime() - 3 * 365 * 86_400_000));
  const code = await t.services.sightings.issueCode(hotel, { label: 'Probe night desk' });
  const { reference } = await t.services.sightings.report(hotel, {
    code: code.code,
    seenAt: new Date(t.clock.now().getTime() - 3_600_000),
    place: 'Probe Quay back stairs',
    whatSeen: 'Two young people with an older man',
  });
  const dueSightingId = await t.services.withTransaction(async (tx) => {
    const [row] = await tx
      .select({ id: sighting.id })
      .from(sighting)
      .where(eq(sighting.reference, reference));
    return row?.id ?? '';
  });
  await t.services.sightings.keepAsIntelligence(social, dueSightingId);
  t.clock.set(now);

  const justiceCaseId = await t.services.justice.create(police, first.id, {
    crimeReference: '13/410001/26',
    status: 'investigating',
    statusOn: '2026-05-10',
    supporterName: 'Probe Supporter',
  });
  const { supportReviewId } = await t.services.justice.changeStatus(police, justiceCaseId, {
    status: 'no_further_action',
    statusOn: '2026-05-25',
  });
  if (!supportReviewId) throw new Error('support review');
  // And one still open, long without contact, for the lists of open cases.
  const openJusticeCaseId = await t.services.justice.create(police, second.id, {
    crimeReference: '13/410002/26',
    status: 'charged',
    statusOn: '2026-04-01',
  });
  const advocacyMeetingId = await t.services.advocacy.record(social, first.id, {
    kind: 'care_review',
    meetingOn: '2026-05-20',
    offered: true,
    offeredOn: '2026-05-06',
    offeredBy: 'Probe Reviewing Officer',
    response: 'accepted',
    advocateName: 'Probe Advocate',
    childViews: 'Probe views: I want to stay at my school',
  });
  const trainingStaffId = await t.services.training.addStaff(hotel, {
    givenName: 'Probewyn',
    familyName: 'Nightdesk',
    sector: 'hotel_or_venue',
  });
  const trainingRecordId = await t.services.training.recordTraining(hotel, trainingStaffId, {
    courseId: '7a1c0000-0000-4000-8000-000000000001',
    completedOn: '2026-03-02',
  });

  return {
    homeId,
    warningNoticeId,
    strategyDiscussionId,
    subgroupId,
    meetingId,
    dueSightingId,
    justiceCaseId,
    openJusticeCaseId,
    supportReviewId,
    advocacyMeetingId,
    trainingOrganisationId: hotel.actor?.agencyId ?? '',
    trainingStaffId,
    trainingRecordId,
    terms: [
      homeId,
      'Probe Lodge',
      warningNoticeId,
      discussedNoticeId,
      strategyDiscussionId,
      'Probe Room 4',
      subgroupId,
      'Probe Leeds subgroup',
      meetingId,
      dueSightingId,
      reference,
      justiceCaseId,
      '13/410001/26',
      openJusticeCaseId,
      '13/410002/26',
      'Probe Supporter',
      supportReviewId,
      advocacyMeetingId,
      'Probe Advocate',
      'Probe views',
      trainingStaffId,
      'Probewyn',
      'Nightdesk',
      trainingRecordId,
    ],
  };
}

/** A user of an agency with no part in the fixture, made beside the demo users, signing in with the same password. */
export async function extraUser(t: TestApp, email: string, sameAgencyAs: string, roles: string[]) {
  return t.services.withTransaction(async (tx) => {
    const [like] = await tx.select().from(appUser).where(eq(appUser.email, sameAgencyAs));
    if (!like) throw new Error(`no user ${sameAgencyAs}`);
    const [row] = await tx
      .insert(appUser)
      .values({
        agencyId: like.agencyId,
        email,
        name: 'Probe Neighbour',
        roles,
        passwordHash: like.passwordHash,
        createdAt: t.clock.now(),
      })
      .returning({ id: appUser.id, agencyId: appUser.agencyId });
    if (!row) throw new Error('extra user');
    return row;
  });
}
