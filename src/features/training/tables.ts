import { sql } from 'drizzle-orm';
import {
  boolean,
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
import { agency } from '../../platform/agencies/tables';
import { appUser } from '../../platform/auth/tables';
import { sqlList } from '../../platform/db/sql-list';
import { childrensHome } from '../homes/tables';

/** A course on the warning signs of grooming and exploitation, and how long completing it counts. */
export const trainingCourse = pgTable(
  'training_course',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    covers: text('covers').notNull(),
    validityMonths: integer('validity_months').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('training_course_title_idx').on(sql`lower(${t.title})`),
    check('training_course_validity', sql`${t.validityMonths} between 1 and 120`),
  ],
);

export const trainingSectors = [
  'home_staff',
  'police',
  'health',
  'education',
  'hotel_or_venue',
  'social_care',
  'voluntary',
  'other',
] as const;
export type TrainingSector = (typeof trainingSectors)[number];

/**
 * A member of an organisation's staff whose training is recorded. They need not be a Lantern user:
 * most are not (hotel staff, a home's care workers).
 */
export const trainingStaff = pgTable(
  'training_staff',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agency.id),
    /** For a provider's staff who work at one of its homes. */
    homeId: uuid('home_id').references(() => childrensHome.id),
    givenName: text('given_name').notNull(),
    familyName: text('family_name').notNull(),
    email: text('email'),
    sector: text('sector', { enum: trainingSectors }).notNull(),
    /** Null when not known: the person counts as current staff until they leave. */
    startedOn: date('started_on', { mode: 'string' }),
    leftOn: date('left_on', { mode: 'string' }),
    createdByUserId: uuid('created_by_user_id').references(() => appUser.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('training_staff_agency_idx').on(t.agencyId, t.familyName, t.givenName),
    index('training_staff_home_idx').on(t.homeId),
    check('training_staff_sector_known', sql`${t.sector} in (${sqlList(trainingSectors)})`),
    check(
      'training_staff_left_after_start',
      sql`${t.leftOn} is null or ${t.startedOn} is null or ${t.leftOn} >= ${t.startedOn}`,
    ),
  ],
);

/**
 * One person's completion of one course. Valid until is fixed when recorded, from the course's
 * validity then, so changing a course later does not rewrite what was true. Corrections mark the
 * record entered in error, with a reason; nothing is deleted.
 */
export const trainingRecord = pgTable(
  'training_record',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => trainingStaff.id),
    courseId: uuid('course_id')
      .notNull()
      .references(() => trainingCourse.id),
    completedOn: date('completed_on', { mode: 'string' }).notNull(),
    validUntil: date('valid_until', { mode: 'string' }).notNull(),
    /** Who gave the training: a trainer or a provider, as free text. */
    provider: text('provider'),
    recordedByUserId: uuid('recorded_by_user_id').references(() => appUser.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    enteredInErrorAt: timestamp('entered_in_error_at', { withTimezone: true }),
    enteredInErrorByUserId: uuid('entered_in_error_by_user_id').references(() => appUser.id),
    enteredInErrorReason: text('entered_in_error_reason'),
  },
  (t) => [
    index('training_record_staff_idx').on(t.staffId, t.courseId, t.completedOn),
    index('training_record_valid_idx').on(t.validUntil),
    // One record of a course completed on a day per person: importing a file twice adds nothing.
    uniqueIndex('training_record_once_idx')
      .on(t.staffId, t.courseId, t.completedOn)
      .where(sql`${t.enteredInErrorAt} is null`),
    check('training_record_valid_after_completed', sql`${t.validUntil} > ${t.completedOn}`),
    check(
      'training_record_error_has_reason',
      sql`(${t.enteredInErrorAt} is null) = (${t.enteredInErrorReason} is null)`,
    ),
  ],
);
