import { sql } from 'drizzle-orm';
import { boolean, check, date, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { child } from '../../platform/access/tables';
import { agency, localAuthority } from '../../platform/agencies/tables';
import { appUser } from '../../platform/auth/tables';
import { sqlList } from '../../platform/db/sql-list';

/** The meetings of a looked-after child's care planning that advocacy is offered for. */
export const meetingKinds = ['care_review', 'placement_planning'] as const;
export type MeetingKind = (typeof meetingKinds)[number];

/** What the child said to the offer of an advocate. */
export const advocacyResponses = ['accepted', 'declined', 'not_answered'] as const;
export type AdvocacyResponse = (typeof advocacyResponses)[number];

/** Whether what the child wanted said was heard at the meeting. */
export const heardAnswers = ['yes', 'partly', 'no'] as const;
export type HeardAnswer = (typeof heardAnswers)[number];

/** The details of a meeting that may change as it goes on; each change is kept in the history. */
export const advocacyFields = [
  'kind',
  'meetingOn',
  'offered',
  'offeredOn',
  'offeredBy',
  'notOfferedReason',
  'response',
  'advocateName',
  'advocateOrganisation',
  'childViews',
  'heard',
  'heardNote',
] as const;
export type AdvocacyField = (typeof advocacyFields)[number];

/**
 * Independent advocacy for one care review or placement planning meeting of a child: whether it
 * was offered (when, by whom) or why not, the child's answer, the advocate, what the child wanted
 * said and whether it was heard. The responsible authority is the child's at the time it was
 * recorded, so an authority's rates do not move when a child's authority later changes.
 */
export const advocacyMeeting = pgTable(
  'advocacy_meeting',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    responsibleAuthorityCode: text('responsible_authority_code')
      .notNull()
      .references(() => localAuthority.code),
    kind: text('kind', { enum: meetingKinds }).notNull(),
    meetingOn: date('meeting_on', { mode: 'string' }).notNull(),
    offered: boolean('offered').notNull(),
    offeredOn: date('offered_on', { mode: 'string' }),
    /** Who offered the advocate, in their own words: a name and role. */
    offeredBy: text('offered_by'),
    notOfferedReason: text('not_offered_reason'),
    response: text('response', { enum: advocacyResponses }),
    advocateName: text('advocate_name'),
    advocateOrganisation: text('advocate_organisation'),
    /** What the child wanted said at the meeting, as the child put it. */
    childViews: text('child_views'),
    heard: text('heard', { enum: heardAnswers }),
    heardNote: text('heard_note'),
    recordedByUserId: uuid('recorded_by_user_id').references(() => appUser.id),
    recordedByAgencyId: uuid('recorded_by_agency_id')
      .notNull()
      .references(() => agency.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    enteredInErrorAt: timestamp('entered_in_error_at', { withTimezone: true }),
    enteredInErrorByUserId: uuid('entered_in_error_by_user_id').references(() => appUser.id),
    enteredInErrorReason: text('entered_in_error_reason'),
  },
  (t) => [
    index('advocacy_meeting_child_idx').on(t.childId, t.meetingOn),
    index('advocacy_meeting_authority_idx').on(t.responsibleAuthorityCode, t.meetingOn),
    check('advocacy_meeting_kind_known', sql`${t.kind} in (${sqlList(meetingKinds)})`),
    check(
      'advocacy_meeting_response_known',
      sql`${t.response} is null or ${t.response} in (${sqlList(advocacyResponses)})`,
    ),
    check(
      'advocacy_meeting_heard_known',
      sql`${t.heard} is null or ${t.heard} in (${sqlList(heardAnswers)})`,
    ),
    // An offer says when, by whom and what the child answered; no offer says why not.
    check(
      'advocacy_meeting_offer',
      sql`(${t.offered} and ${t.offeredOn} is not null and ${t.offeredBy} is not null and ${t.response} is not null and ${t.notOfferedReason} is null)
        or (not ${t.offered} and ${t.notOfferedReason} is not null and ${t.offeredOn} is null and ${t.offeredBy} is null and ${t.response} is null)`,
    ),
    // An advocate is named only once the child has accepted one.
    check(
      'advocacy_meeting_advocate',
      sql`(${t.advocateName} is null and ${t.advocateOrganisation} is null) or ${t.response} = 'accepted'`,
    ),
    // Whether the child was heard is about what the child wanted said.
    check('advocacy_meeting_heard_views', sql`${t.heard} is null or ${t.childViews} is not null`),
    check(
      'advocacy_meeting_in_error',
      sql`(${t.enteredInErrorAt} is null) = (${t.enteredInErrorReason} is null)`,
    ),
  ],
);

/** A change of one detail of a meeting: the old value kept with who changed it, when and why. */
export const advocacyMeetingChange = pgTable(
  'advocacy_meeting_change',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => advocacyMeeting.id),
    field: text('field').notNull(),
    oldValue: text('old_value'),
    newValue: text('new_value'),
    /** Required when an answer already given is changed; filling in a blank needs none. */
    reason: text('reason'),
    changedByUserId: uuid('changed_by_user_id').references(() => appUser.id),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('advocacy_meeting_change_meeting_idx').on(t.meetingId, t.changedAt),
    check('advocacy_meeting_change_field_known', sql`${t.field} in (${sqlList(advocacyFields)})`),
    check('advocacy_meeting_change_changes', sql`${t.oldValue} is distinct from ${t.newValue}`),
  ],
);
