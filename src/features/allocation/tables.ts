import { sql } from 'drizzle-orm';
import { check, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { appUser } from '../../platform/auth/tables';

/** A team within an agency (a MASH team, a missing team, a return-interview service), with its members. */
export const team = pgTable(
  'team',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agency.id),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    disbandedAt: timestamp('disbanded_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('team_agency_name_idx').on(t.agencyId, sql`lower(${t.name})`)],
);

export const teamMember = pgTable(
  'team_member',
  {
    teamId: uuid('team_id')
      .notNull()
      .references(() => team.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => appUser.id),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index('team_member_user_idx').on(t.userId)],
);

export const allocationSubjects = [
  'child',
  'episode',
  'return_interview',
  'notice',
  'action',
  'support_review',
] as const;
export type AllocationSubject = (typeof allocationSubjects)[number];

/**
 * Who in an agency owns a piece of work: a named worker, a team, or both (a worker within a team).
 * Each agency allocates for itself, so an episode can have a police owner and a social care owner.
 * One current row per subject and agency; reallocation ends the row and starts another, with its
 * reason, so the history stays.
 */
export const allocation = pgTable(
  'allocation',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectType: text('subject_type', { enum: allocationSubjects }).notNull(),
    subjectId: uuid('subject_id').notNull(),
    /** The child the work is about, when there is one: the access check and the child's page. */
    childId: uuid('child_id').references(() => child.id),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agency.id),
    teamId: uuid('team_id').references(() => team.id),
    userId: uuid('user_id').references(() => appUser.id),
    reason: text('reason'),
    allocatedByUserId: uuid('allocated_by_user_id')
      .notNull()
      .references(() => appUser.id),
    allocatedAt: timestamp('allocated_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    check('allocation_has_owner', sql`${t.teamId} is not null or ${t.userId} is not null`),
    check(
      'allocation_subject_type',
      sql`${t.subjectType} in ('child', 'episode', 'return_interview', 'notice', 'action', 'support_review')`,
    ),
    uniqueIndex('allocation_current_idx')
      .on(t.subjectType, t.subjectId, t.agencyId)
      .where(sql`${t.endedAt} is null`),
    index('allocation_user_idx').on(t.userId).where(sql`${t.endedAt} is null`),
    index('allocation_team_idx').on(t.teamId).where(sql`${t.endedAt} is null`),
    index('allocation_subject_idx').on(t.subjectType, t.subjectId, t.allocatedAt),
    index('allocation_child_idx').on(t.childId),
  ],
);
