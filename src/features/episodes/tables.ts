import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { child } from '../../platform/access/tables';
import { agency, policeForce } from '../../platform/agencies/tables';
import { appUser } from '../../platform/auth/tables';
import { location } from '../locations/tables';

export const episodeKinds = ['missing', 'absent'] as const;
export type EpisodeKind = (typeof episodeKinds)[number];

export const riskGrades = ['no_apparent_risk', 'low', 'medium', 'high'] as const;
export type RiskGrade = (typeof riskGrades)[number];

/**
 * A period a child was missing (whereabouts unknown) or absent (away without authorisation,
 * whereabouts known). One open episode per child, enforced by a partial unique index.
 */
export const episode = pgTable(
  'episode',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    kind: text('kind', { enum: episodeKinds }).notNull(),
    /** When the child left or was last seen by a responsible adult, whichever is later. */
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    reportedAt: timestamp('reported_at', { withTimezone: true }).notNull(),
    reportedByUserId: uuid('reported_by_user_id').references(() => appUser.id),
    reportedByAgencyId: uuid('reported_by_agency_id')
      .notNull()
      .references(() => agency.id),
    lastSeenLocation: text('last_seen_location'),
    lastSeenPostcode: text('last_seen_postcode'),
    lastSeenLocationId: uuid('last_seen_location_id').references(() => location.id),
    circumstances: text('circumstances'),
    clothing: text('clothing'),
    possiblyWith: text('possibly_with'),
    policeReference: text('police_reference'),
    /** The force whose area the child went missing from: it grades the risk. */
    policeForceCode: text('police_force_code').references(() => policeForce.code),
    // What was done before reporting (seed 8.1–8.4: homes reporting without searching).
    searchedBeforeReporting: boolean('searched_before_reporting'),
    calledChild: boolean('called_child'),
    contactedFriendsFamily: boolean('contacted_friends_family'),
    /** Found (missing) or returned (away). Null while the episode is open. */
    endedAt: timestamp('ended_at', { withTimezone: true }),
    foundLocation: text('found_location'),
    foundLocationId: uuid('found_location_id').references(() => location.id),
    foundWith: text('found_with'),
    returnedTo: text('returned_to'),
    preventionInterviewAt: timestamp('prevention_interview_at', { withTimezone: true }),
    preventionInterviewNotes: text('prevention_interview_notes'),
    closedByUserId: uuid('closed_by_user_id').references(() => appUser.id),
    /** Set when the episode should never have been recorded; it then counts for nothing. */
    enteredInErrorAt: timestamp('entered_in_error_at', { withTimezone: true }),
    enteredInErrorReason: text('entered_in_error_reason'),
    enteredInErrorByUserId: uuid('entered_in_error_by_user_id').references(() => appUser.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('episode_one_open_per_child')
      .on(t.childId)
      .where(sql`${t.endedAt} is null and ${t.enteredInErrorAt} is null`),
    index('episode_child_idx').on(t.childId, t.startedAt),
    // Imports find a force's report by its reference: importing a file twice changes nothing.
    index('episode_police_reference_idx').on(t.policeForceCode, t.policeReference),
    index('episode_force_idx').on(t.policeForceCode, t.startedAt),
    check('episode_kind_known', sql`${t.kind} in ('missing', 'absent')`),
    check('episode_ends_after_start', sql`${t.endedAt} is null or ${t.endedAt} >= ${t.startedAt}`),
    check('episode_reported_after_start', sql`${t.reportedAt} >= ${t.startedAt}`),
  ],
);

/** Each change of kind (missing ⇄ absent), with its reason: the history stays. */
export const episodeKindChange = pgTable('episode_kind_change', {
  id: uuid('id').primaryKey().defaultRandom(),
  episodeId: uuid('episode_id')
    .notNull()
    .references(() => episode.id),
  fromKind: text('from_kind', { enum: episodeKinds }).notNull(),
  toKind: text('to_kind', { enum: episodeKinds }).notNull(),
  reason: text('reason').notNull(),
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
  changedByUserId: uuid('changed_by_user_id').references(() => appUser.id),
});

/** Police risk gradings of an episode, newest last; every grading is kept. */
export const riskGrading = pgTable(
  'risk_grading',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    episodeId: uuid('episode_id')
      .notNull()
      .references(() => episode.id),
    grade: text('grade', { enum: riskGrades }).notNull(),
    rationale: text('rationale').notNull(),
    gradedAt: timestamp('graded_at', { withTimezone: true }).notNull(),
    gradedByUserId: uuid('graded_by_user_id').references(() => appUser.id),
    nextReviewAt: timestamp('next_review_at', { withTimezone: true }),
  },
  (t) => [
    index('risk_grading_episode_idx').on(t.episodeId, t.gradedAt),
    check('risk_grading_grade_known', sql`${t.grade} in ('no_apparent_risk', 'low', 'medium', 'high')`),
    check('risk_grading_review_after', sql`${t.nextReviewAt} is null or ${t.nextReviewAt} > ${t.gradedAt}`),
  ],
);

export const returnInterviewStatuses = ['due', 'offered', 'accepted', 'declined', 'held'] as const;

/** Offered to every child after every episode, due 72 hours after the return (an absolute duration). */
export const returnInterview = pgTable(
  'return_interview',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    episodeId: uuid('episode_id')
      .notNull()
      .unique()
      .references(() => episode.id),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    /** The agency that owns the interview: the placing authority's, or the home authority's. */
    ownerAgencyId: uuid('owner_agency_id').references(() => agency.id),
    /** The agency that holds it: the owner, or the service the owner commissions to do them. */
    assignedAgencyId: uuid('assigned_agency_id').references(() => agency.id),
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: returnInterviewStatuses }).notNull().default('due'),
    offeredAt: timestamp('offered_at', { withTimezone: true }),
    offeredBy: text('offered_by'),
    declinedReason: text('declined_reason'),
    heldAt: timestamp('held_at', { withTimezone: true }),
    heldWhere: text('held_where'),
    interviewerName: text('interviewer_name'),
    interviewerRole: text('interviewer_role'),
    /** Independent of the child's care, unless the child chose a trusted adult (recorded below). */
    interviewerIndependent: boolean('interviewer_independent'),
    trustedAdultChosenByChild: boolean('trusted_adult_chosen_by_child'),
    whyLeft: text('why_left'),
    whereStayed: text('where_stayed'),
    whoWith: text('who_with'),
    howTravelled: text('how_travelled'),
    harmDisclosed: text('harm_disclosed'),
    healthNeeds: text('health_needs'),
    exploitationConcerns: text('exploitation_concerns'),
    actions: text('actions'),
    informationSharedWith: text('information_shared_with'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('return_interview_queue_idx').on(t.ownerAgencyId, t.status, t.dueAt),
    index('return_interview_assigned_idx').on(t.assignedAgencyId, t.status, t.dueAt),
    index('return_interview_child_idx').on(t.childId, t.dueAt),
    check(
      'return_interview_status_known',
      sql`${t.status} in ('due', 'offered', 'accepted', 'declined', 'held')`,
    ),
    check(
      'return_interview_independence',
      sql`${t.status} <> 'held' or ${t.interviewerIndependent} or ${t.trustedAdultChosenByChild}`,
    ),
  ],
);

/** A correction of one field of an episode: the old value is kept with who changed it and why. */
export const episodeCorrection = pgTable(
  'episode_correction',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    episodeId: uuid('episode_id')
      .notNull()
      .references(() => episode.id),
    field: text('field').notNull(),
    oldValue: text('old_value'),
    newValue: text('new_value'),
    reason: text('reason').notNull(),
    correctedByUserId: uuid('corrected_by_user_id').references(() => appUser.id),
    correctedAt: timestamp('corrected_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('episode_correction_episode_idx').on(t.episodeId, t.correctedAt)],
);
