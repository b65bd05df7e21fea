import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { appUser } from '../../platform/auth/tables';
import { sqlList } from '../../platform/db/sql-list';

/** Other names a child is known by: aliases, previous names, street names. */
export const childAlias = pgTable(
  'child_alias',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    givenName: text('given_name').notNull(),
    familyName: text('family_name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('child_alias_child_idx').on(t.childId)],
);

/**
 * Every name and alias of a child with its Double Metaphone codes, so a search for "Smyth" finds
 * "Smith". Rebuilt by the service whenever a name or alias changes.
 */
export const childSearchName = pgTable(
  'child_search_name',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    givenName: text('given_name').notNull(),
    familyName: text('family_name').notNull(),
    givenCodes: text('given_codes').array().notNull(),
    familyCodes: text('family_codes').array().notNull(),
    source: text('source', { enum: ['name', 'alias'] }).notNull(),
  },
  (t) => [
    index('child_search_name_child_idx').on(t.childId),
    index('child_search_name_family_codes_idx').using('gin', t.familyCodes),
    index('child_search_name_given_codes_idx').using('gin', t.givenCodes),
    // The first letters of a family name, so a search's three ways to match can each use an index.
    index('child_search_name_family_prefix_idx').on(sql`lower(${t.familyName}) text_pattern_ops`),
    check('child_search_name_source', sql`${t.source} in ('name', 'alias')`),
  ],
);

/** The details of a child that may be corrected after the record is made. */
export const childCorrectableFields = [
  'givenName',
  'familyName',
  'dateOfBirth',
  'sex',
  'ethnicity',
  'upn',
  'localAuthorityChildId',
  'policePersonId',
  'legalStatus',
  'lookedAfter',
  'responsibleAuthorityCode',
  'homePostcode',
  'homeAddress',
] as const;
export type ChildCorrectableField = (typeof childCorrectableFields)[number];

/**
 * A correction of one detail of a child: the old value is kept with the reason, who made it and
 * their agency. Values are kept as text (a looked-after flag as "true" or "false").
 */
export const childCorrection = pgTable(
  'child_correction',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    field: text('field', { enum: childCorrectableFields }).notNull(),
    oldValue: text('old_value'),
    newValue: text('new_value'),
    reason: text('reason').notNull(),
    correctedByUserId: uuid('corrected_by_user_id').references(() => appUser.id),
    correctedByAgencyId: uuid('corrected_by_agency_id')
      .notNull()
      .references(() => agency.id),
    correctedAt: timestamp('corrected_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('child_correction_child_idx').on(t.childId, t.correctedAt),
    check('child_correction_field_known', sql`${t.field} in (${sqlList(childCorrectableFields)})`),
    // A correction changes something; saving the same value again is not one.
    check('child_correction_changes', sql`${t.oldValue} is distinct from ${t.newValue}`),
    check('child_correction_reason', sql`length(trim(${t.reason})) > 0`),
  ],
);
