import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { child } from '../../platform/access/tables';
import { agency, localAuthority } from '../../platform/agencies/tables';
import { appUser } from '../../platform/auth/tables';
import { bytea } from '../../platform/db/columns';

export const noticeCategories = [
  'missing',
  'sexual_exploitation',
  'domestic_abuse',
  'substance_misuse',
  'assault',
  'online_harm',
  'criminal_exploitation',
  'other',
] as const;
export type NoticeCategory = (typeof noticeCategories)[number];

export const priorities = ['red', 'amber', 'green'] as const;
export type Priority = (typeof priorities)[number];

/**
 * A child concern notice: a referral from any agency about a child, or about a young person not
 * yet identified, to be matched later. It lands in the MASH queue of its area, where police and
 * social care assess it together and record one shared decision.
 */
export const notice = pgTable(
  'notice',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id').references(() => child.id),
    /** Who the young person seems to be, when they are not yet matched to a child. */
    unidentifiedDescription: text('unidentified_description'),
    categories: text('categories').array().notNull(),
    whatHappened: text('what_happened').notNull(),
    /** Where the information came from: who saw or said what. */
    source: text('source').notNull(),
    /** The area whose MASH assesses the notice: where the child lives (the host authority). */
    areaAuthorityCode: text('area_authority_code')
      .notNull()
      .references(() => localAuthority.code),
    raisedByAgencyId: uuid('raised_by_agency_id')
      .notNull()
      .references(() => agency.id),
    raisedByUserId: uuid('raised_by_user_id').references(() => appUser.id),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
    /** Set by the MASH; until then the notice is due as if red, so nothing waits unseen. */
    priority: text('priority', { enum: priorities }),
    decisionDueAt: timestamp('decision_due_at', { withTimezone: true }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
  },
  (t) => [
    index('notice_queue_idx').on(t.areaAuthorityCode, t.decidedAt, t.decisionDueAt),
    index('notice_child_idx').on(t.childId, t.raisedAt),
    // The escalation job's question: which undecided notices are past their deadline.
    index('notice_overdue_idx')
      .on(t.decisionDueAt)
      .where(sql`${t.decidedAt} is null and ${t.escalatedAt} is null`),
    check('notice_about_someone', sql`${t.childId} is not null or ${t.unidentifiedDescription} is not null`),
    check(
      'notice_categories_known',
      sql`cardinality(${t.categories}) > 0 and ${t.categories} <@ array['missing','sexual_exploitation','domestic_abuse','substance_misuse','assault','online_harm','criminal_exploitation','other']::text[]`,
    ),
    check('notice_priority_known', sql`${t.priority} is null or ${t.priority} in ('red', 'amber', 'green')`),
  ],
);

/** A file sent with a notice: checked by content, served only as a download. */
export const noticeAttachment = pgTable(
  'notice_attachment',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    noticeId: uuid('notice_id')
      .notNull()
      .references(() => notice.id),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    bytes: bytea('bytes').notNull(),
    size: integer('size').notNull(),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull(),
    uploadedByUserId: uuid('uploaded_by_user_id').references(() => appUser.id),
  },
  (t) => [index('notice_attachment_notice_idx').on(t.noticeId)],
);

/** What one agency knows, added to the notice during the joint assessment. */
export const noticeContribution = pgTable(
  'notice_contribution',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    noticeId: uuid('notice_id')
      .notNull()
      .references(() => notice.id),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agency.id),
    userId: uuid('user_id').references(() => appUser.id),
    information: text('information').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('notice_contribution_notice_idx').on(t.noticeId, t.createdAt)],
);

/**
 * The threshold table of an area: the outcomes a joint decision may record. An area without rows
 * uses the hub's defaults.
 */
export const thresholdOutcome = pgTable(
  'threshold_outcome',
  {
    authorityCode: text('authority_code')
      .notNull()
      .references(() => localAuthority.code),
    code: text('code').notNull(),
    label: text('label').notNull(),
    position: integer('position').notNull(),
    /** Whether this outcome means a strategy discussion is to be held. */
    strategyDiscussion: text('strategy_discussion', { enum: ['yes', 'no'] })
      .notNull()
      .default('no'),
  },
  (t) => [uniqueIndex('threshold_outcome_pk').on(t.authorityCode, t.code)],
);

/** An area's hours to a decision for each priority; an area without rows uses the hub's defaults. */
export const triageDeadline = pgTable(
  'triage_deadline',
  {
    authorityCode: text('authority_code')
      .notNull()
      .references(() => localAuthority.code),
    priority: text('priority', { enum: priorities }).notNull(),
    hours: integer('hours').notNull(),
  },
  (t) => [
    uniqueIndex('triage_deadline_pk').on(t.authorityCode, t.priority),
    check('triage_deadline_hours', sql`${t.hours} > 0`),
  ],
);

/**
 * A proposed joint decision. It is final only when a police officer and a social care practitioner
 * have both confirmed it; the proposer's own confirmation counts for their agency. A new proposal
 * replaces one not yet final.
 */
export const noticeDecision = pgTable(
  'notice_decision',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    noticeId: uuid('notice_id')
      .notNull()
      .references(() => notice.id),
    outcomeCode: text('outcome_code').notNull(),
    /** The outcome's label when decided: a later change to the threshold table leaves it as it was. */
    outcomeLabel: text('outcome_label').notNull(),
    strategyDiscussion: text('strategy_discussion', { enum: ['yes', 'no'] }).notNull(),
    rationale: text('rationale').notNull(),
    proposedByUserId: uuid('proposed_by_user_id')
      .notNull()
      .references(() => appUser.id),
    proposedAt: timestamp('proposed_at', { withTimezone: true }).notNull(),
    policeConfirmedByUserId: uuid('police_confirmed_by_user_id').references(() => appUser.id),
    policeConfirmedAt: timestamp('police_confirmed_at', { withTimezone: true }),
    socialCareConfirmedByUserId: uuid('social_care_confirmed_by_user_id').references(() => appUser.id),
    socialCareConfirmedAt: timestamp('social_care_confirmed_at', { withTimezone: true }),
    finalAt: timestamp('final_at', { withTimezone: true }),
    supersededAt: timestamp('superseded_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('notice_decision_one_live').on(t.noticeId).where(sql`${t.supersededAt} is null`),
    check(
      'notice_decision_final_needs_both',
      sql`${t.finalAt} is null or (${t.policeConfirmedAt} is not null and ${t.socialCareConfirmedAt} is not null)`,
    ),
  ],
);

/** A strategy discussion decided on a notice: who was invited, who came, and what was decided. */
export const strategyDiscussion = pgTable(
  'strategy_discussion',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    noticeId: uuid('notice_id')
      .notNull()
      .references(() => notice.id),
    scheduledFor: timestamp('scheduled_for', { withTimezone: true }).notNull(),
    /** Where or how it meets: a room, a call. */
    venue: text('venue').notNull(),
    scheduledByUserId: uuid('scheduled_by_user_id').references(() => appUser.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    heldAt: timestamp('held_at', { withTimezone: true }),
    informationShared: text('information_shared'),
    decisions: text('decisions'),
    recordedByUserId: uuid('recorded_by_user_id').references(() => appUser.id),
  },
  (t) => [
    index('strategy_discussion_notice_idx').on(t.noticeId),
    check(
      'strategy_discussion_held_has_record',
      sql`${t.heldAt} is null or (${t.informationShared} is not null and ${t.decisions} is not null)`,
    ),
  ],
);

/** An agency invited to a strategy discussion, and whether it attended (unknown until held). */
export const strategyInvitee = pgTable(
  'strategy_invitee',
  {
    discussionId: uuid('discussion_id')
      .notNull()
      .references(() => strategyDiscussion.id),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agency.id),
    attended: text('attended', { enum: ['yes', 'no'] }),
    attendeeName: text('attendee_name'),
  },
  (t) => [uniqueIndex('strategy_invitee_pk').on(t.discussionId, t.agencyId)],
);

/** An action agreed at a strategy discussion, with its owner and due date. */
export const strategyAction = pgTable(
  'strategy_action',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    discussionId: uuid('discussion_id')
      .notNull()
      .references(() => strategyDiscussion.id),
    description: text('description').notNull(),
    ownerAgencyId: uuid('owner_agency_id')
      .notNull()
      .references(() => agency.id),
    ownerName: text('owner_name').notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    doneAt: timestamp('done_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('strategy_action_discussion_idx').on(t.discussionId)],
);
