import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { appUser } from '../../platform/auth/tables';
import { sqlList } from '../../platform/db/sql-list';
import { intelEntity } from '../intelligence/tables';

/** Where a justice case stands: the investigation, the charging decision, the trial and its outcome. */
export const justiceStatuses = [
  'investigating',
  'no_further_action',
  'charged',
  'discontinued',
  'trial',
  'outcome',
] as const;
export type JusticeStatus = (typeof justiceStatuses)[number];

/** A case that has reached one of these has ended: the child's support is reviewed so they are not dropped. */
export const endingStatuses: readonly JusticeStatus[] = ['no_further_action', 'discontinued', 'outcome'];

export const statementKinds = ['written_statement', 'abe_interview'] as const;
export type StatementKind = (typeof statementKinds)[number];
export const statementStates = ['offered', 'refused', 'held'] as const;
export type StatementState = (typeof statementStates)[number];

export const specialMeasures = [
  'live_link',
  'screens',
  'intermediary',
  'pre_recorded_evidence',
  'video_recorded_interview',
] as const;
export type SpecialMeasure = (typeof specialMeasures)[number];
export const measureDecisions = ['pending', 'granted', 'refused'] as const;
export type MeasureDecision = (typeof measureDecisions)[number];

export const contactWith = ['child', 'family', 'both'] as const;
export const contactStages = ['before', 'during', 'after'] as const;
export const contactMethods = ['in_person', 'phone', 'video', 'letter'] as const;

export const reviewOutcomes = ['continue_support', 'support_ended'] as const;
export type ReviewOutcome = (typeof reviewOutcomes)[number];

/**
 * A crime in which a child is a victim or witness, under its police crime reference, and the
 * support the child has before, during and after court. The current status is kept here for
 * lists; its history is in `justice_case_status`.
 */
export const justiceCase = pgTable(
  'justice_case',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    crimeReference: text('crime_reference').notNull(),
    recordedByAgencyId: uuid('recorded_by_agency_id')
      .notNull()
      .references(() => agency.id),
    recordedByUserId: uuid('recorded_by_user_id').references(() => appUser.id),
    status: text('status', { enum: justiceStatuses }).notNull(),
    statusOn: date('status_on', { mode: 'string' }).notNull(),
    /** The named person who supports the child through the case. */
    supporterName: text('supporter_name'),
    supporterRole: text('supporter_role'),
    supporterAgency: text('supporter_agency'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    enteredInErrorAt: timestamp('entered_in_error_at', { withTimezone: true }),
    enteredInErrorReason: text('entered_in_error_reason'),
    enteredInErrorByUserId: uuid('entered_in_error_by_user_id').references(() => appUser.id),
  },
  (t) => [
    check('justice_case_status_known', sql`${t.status} in (${sqlList(justiceStatuses)})`),
    check('justice_case_reference', sql`length(trim(${t.crimeReference})) > 0`),
    check(
      'justice_case_in_error_reason',
      sql`${t.enteredInErrorAt} is null or ${t.enteredInErrorReason} is not null`,
    ),
    index('justice_case_child_idx').on(t.childId),
  ],
);

/** Each status a case has had, with its date: the case's history, never rewritten. */
export const justiceCaseStatus = pgTable(
  'justice_case_status',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => justiceCase.id),
    status: text('status', { enum: justiceStatuses }).notNull(),
    statusOn: date('status_on', { mode: 'string' }).notNull(),
    /** What the outcome was (convicted, acquitted …): only for `outcome`. */
    outcome: text('outcome'),
    note: text('note'),
    recordedByUserId: uuid('recorded_by_user_id').references(() => appUser.id),
    recordedByAgencyId: uuid('recorded_by_agency_id')
      .notNull()
      .references(() => agency.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check('justice_case_status_code', sql`${t.status} in (${sqlList(justiceStatuses)})`),
    check('justice_case_status_outcome', sql`(${t.status} = 'outcome') = (${t.outcome} is not null)`),
    index('justice_case_status_case_idx').on(t.caseId, t.recordedAt),
  ],
);

/** A person of concern (an intelligence person entity) named in a case. */
export const justiceCasePerson = pgTable(
  'justice_case_person',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => justiceCase.id),
    entityId: uuid('entity_id')
      .notNull()
      .references(() => intelEntity.id),
    addedByUserId: uuid('added_by_user_id').references(() => appUser.id),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.entityId] }),
    index('justice_case_person_entity_idx').on(t.entityId),
  ],
);

/** The child's written statement or Achieving Best Evidence interview: offered, refused or held, and when. */
export const justiceStatement = pgTable(
  'justice_statement',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => justiceCase.id),
    kind: text('kind', { enum: statementKinds }).notNull(),
    state: text('state', { enum: statementStates }).notNull(),
    occurredOn: date('occurred_on', { mode: 'string' }).notNull(),
    note: text('note'),
    recordedByUserId: uuid('recorded_by_user_id').references(() => appUser.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check('justice_statement_kind', sql`${t.kind} in (${sqlList(statementKinds)})`),
    check('justice_statement_state', sql`${t.state} in (${sqlList(statementStates)})`),
    index('justice_statement_case_idx').on(t.caseId),
  ],
);

/** A special measure asked of the court for the child's evidence, and the court's decision. */
export const justiceSpecialMeasure = pgTable(
  'justice_special_measure',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => justiceCase.id),
    measure: text('measure', { enum: specialMeasures }).notNull(),
    requestedOn: date('requested_on', { mode: 'string' }).notNull(),
    decision: text('decision', { enum: measureDecisions }).notNull().default('pending'),
    decidedOn: date('decided_on', { mode: 'string' }),
    recordedByUserId: uuid('recorded_by_user_id').references(() => appUser.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
    decidedByUserId: uuid('decided_by_user_id').references(() => appUser.id),
  },
  (t) => [
    check('justice_special_measure_code', sql`${t.measure} in (${sqlList(specialMeasures)})`),
    check('justice_special_measure_decision', sql`${t.decision} in (${sqlList(measureDecisions)})`),
    check('justice_special_measure_decided', sql`(${t.decision} = 'pending') = (${t.decidedOn} is null)`),
    index('justice_special_measure_case_idx').on(t.caseId),
  ],
);

/** A contact with the child or the family, and at which stage of the case. */
export const justiceContact = pgTable(
  'justice_contact',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => justiceCase.id),
    contactAt: timestamp('contact_at', { withTimezone: true }).notNull(),
    contactWith: text('contact_with', { enum: contactWith }).notNull(),
    stage: text('stage', { enum: contactStages }).notNull(),
    method: text('method', { enum: contactMethods }).notNull(),
    note: text('note'),
    recordedByUserId: uuid('recorded_by_user_id').references(() => appUser.id),
    recordedByAgencyId: uuid('recorded_by_agency_id')
      .notNull()
      .references(() => agency.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check('justice_contact_with', sql`${t.contactWith} in (${sqlList(contactWith)})`),
    check('justice_contact_stage', sql`${t.stage} in (${sqlList(contactStages)})`),
    check('justice_contact_method', sql`${t.method} in (${sqlList(contactMethods)})`),
    index('justice_contact_case_idx').on(t.caseId, t.contactAt),
  ],
);

/**
 * A review of the child's support when the case ends (no further action, discontinued, or an
 * outcome after trial), so the child is not dropped. One per ending status.
 */
export const justiceSupportReview = pgTable(
  'justice_support_review',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => justiceCase.id),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    /** The status change that ended the case. */
    statusId: uuid('status_id')
      .notNull()
      .references(() => justiceCaseStatus.id),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    completedByUserId: uuid('completed_by_user_id').references(() => appUser.id),
    outcome: text('outcome', { enum: reviewOutcomes }),
    outcomeNote: text('outcome_note'),
  },
  (t) => [
    check(
      'justice_support_review_outcome',
      sql`${t.outcome} is null or ${t.outcome} in (${sqlList(reviewOutcomes)})`,
    ),
    check(
      'justice_support_review_completed',
      sql`(${t.completedAt} is null) = (${t.outcome} is null) and (${t.outcome} is distinct from 'support_ended' or ${t.outcomeNote} is not null)`,
    ),
    uniqueIndex('justice_support_review_status_idx').on(t.statusId),
    index('justice_support_review_case_idx').on(t.caseId),
    index('justice_support_review_child_idx').on(t.childId),
  ],
);
