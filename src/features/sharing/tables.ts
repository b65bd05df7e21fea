import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { appUser } from '../../platform/auth/tables';

export const lawfulBases = {
  safeguarding_children:
    'Safeguarding of children and individuals at risk (Data Protection Act 2018, Schedule 8, paragraph 4)',
  children_act_s47: 'Enquiries about significant harm (Children Act 1989, section 47)',
  cooperation: 'Co-operation to improve children’s well-being (Children Act 2004, section 10)',
  crime_and_disorder: 'Preventing crime and disorder (Crime and Disorder Act 1998, section 115)',
  consent: 'Consent of the child or of a person with parental responsibility',
} as const;
export type LawfulBasis = keyof typeof lawfulBases;

/**
 * An explicit, time-limited share of a child's record with another agency: the lawful basis, the
 * reason, who approved it. The access itself is a `child_access` row (basis `share`) pointing here.
 */
export const childShare = pgTable(
  'child_share',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agency.id),
    lawfulBasis: text('lawful_basis').notNull(),
    reason: text('reason').notNull(),
    approvedBy: text('approved_by').notNull(),
    sharedByUserId: uuid('shared_by_user_id')
      .notNull()
      .references(() => appUser.id),
    sharedByAgencyId: uuid('shared_by_agency_id')
      .notNull()
      .references(() => agency.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    validTo: timestamp('valid_to', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [index('child_share_child_idx').on(t.childId)],
);

/**
 * Break-glass: one person's emergency access to a child outside their agency's access, with a
 * reason, ending after a set time, alerting the agency and listed for review.
 */
export const breakGlass = pgTable(
  'break_glass',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => appUser.id),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agency.id),
    reason: text('reason').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    validTo: timestamp('valid_to', { withTimezone: true }).notNull(),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    reviewedByUserId: uuid('reviewed_by_user_id').references(() => appUser.id),
    reviewOutcome: text('review_outcome'),
  },
  (t) => [index('break_glass_agency_idx').on(t.agencyId, t.reviewedAt)],
);
