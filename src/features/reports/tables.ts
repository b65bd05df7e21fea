import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { child } from '../../platform/access/tables';
import { agency, localAuthority } from '../../platform/agencies/tables';
import { appUser } from '../../platform/auth/tables';
import { sqlList } from '../../platform/db/sql-list';

/** SSDA903 codes (standards.md). */
export const reasonsNewEpisode = ['S', 'P', 'L', 'T', 'U', 'B'] as const;
export const legalStatuses = [
  'C1',
  'C2',
  'D1',
  'E1',
  'V2',
  'V3',
  'V4',
  'J1',
  'J2',
  'J3',
  'L1',
  'L2',
  'L3',
] as const;
export const categoriesOfNeed = ['N1', 'N2', 'N3', 'N4', 'N5', 'N6', 'N7', 'N8'] as const;
export const reasonsCeased = [
  'E11',
  'E12',
  'E2',
  'E3',
  'E4A',
  'E4B',
  'E13',
  'E41',
  'E45',
  'E46',
  'E47',
  'E48',
  'E5',
  'E6',
  'E7',
  'E8',
  'E9',
  'E14',
  'E15',
  'E16',
  'E17',
  'X1',
] as const;
export const reasonsPlaceChange = [
  'CARPL',
  'CLOSE',
  'ALLEG',
  'STAND',
  'APPRR',
  'CREQB',
  'CREQO',
  'CHILD',
  'LAREQ',
  'PLACE',
  'CUSTOD',
  'OTHER',
] as const;

/**
 * A period of care of a looked-after child under one legal status (an SSDA903 episode, less the
 * placement, which comes from the child's placements): when it started and why, the legal status
 * and category of need, and when and why it ended. Never deleted: entered in error, with a reason.
 */
export const careEpisode = pgTable(
  'care_episode',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    /** The responsible authority whose return the episode belongs to. */
    authorityCode: text('authority_code')
      .notNull()
      .references(() => localAuthority.code),
    startedOn: date('started_on', { mode: 'string' }).notNull(),
    reasonNewEpisode: text('reason_new_episode', { enum: reasonsNewEpisode }).notNull(),
    legalStatus: text('legal_status', { enum: legalStatuses }).notNull(),
    categoryOfNeed: text('category_of_need', { enum: categoriesOfNeed }).notNull(),
    endedOn: date('ended_on', { mode: 'string' }),
    reasonCeased: text('reason_ceased', { enum: reasonsCeased }),
    reasonPlaceChange: text('reason_place_change', { enum: reasonsPlaceChange }),
    createdByUserId: uuid('created_by_user_id').references(() => appUser.id),
    createdByAgencyId: uuid('created_by_agency_id').references(() => agency.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    enteredInErrorAt: timestamp('entered_in_error_at', { withTimezone: true }),
    enteredInErrorReason: text('entered_in_error_reason'),
  },
  (t) => [
    check('care_episode_rne', sql`${t.reasonNewEpisode} in (${sqlList(reasonsNewEpisode)})`),
    check('care_episode_ls', sql`${t.legalStatus} in (${sqlList(legalStatuses)})`),
    check('care_episode_cin', sql`${t.categoryOfNeed} in (${sqlList(categoriesOfNeed)})`),
    check(
      'care_episode_rec',
      sql`${t.reasonCeased} is null or ${t.reasonCeased} in (${sqlList(reasonsCeased)})`,
    ),
    check(
      'care_episode_place_change',
      sql`${t.reasonPlaceChange} is null or ${t.reasonPlaceChange} in (${sqlList(reasonsPlaceChange)})`,
    ),
    check('care_episode_ended', sql`(${t.endedOn} is null) = (${t.reasonCeased} is null)`),
    check('care_episode_order', sql`${t.endedOn} is null or ${t.endedOn} >= ${t.startedOn}`),
    index('care_episode_child_idx').on(t.childId, t.startedOn),
    index('care_episode_authority_idx').on(t.authorityCode, t.startedOn),
  ],
);

/**
 * An import of police missing-person reports: the file's digest and what it did, so that
 * importing the same file again is seen to change nothing.
 */
export const episodeImport = pgTable(
  'episode_import',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    fileDigest: text('file_digest').notNull(),
    fileName: text('file_name'),
    rows: integer('rows').notNull(),
    created: integer('created').notNull(),
    unchanged: integer('unchanged').notNull(),
    importedByUserId: uuid('imported_by_user_id').references(() => appUser.id),
    importedByAgencyId: uuid('imported_by_agency_id').references(() => agency.id),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('episode_import_digest_idx').on(t.fileDigest)],
);
