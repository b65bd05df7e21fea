import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { child } from '../../platform/access/tables';

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
    check('child_search_name_source', sql`${t.source} in ('name', 'alias')`),
  ],
);
