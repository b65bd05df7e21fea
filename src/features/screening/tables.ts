import { sql } from 'drizzle-orm';
import { check, date, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { appUser } from '../../platform/auth/tables';
import type { ScoredItem } from './scoring';
import type { Answer } from './tool';

/**
 * A CSE screening of a child. Rows are never changed: each screening keeps the tool version it used,
 * its answers and its item-by-item scores, so the history reads as it was at the time.
 */
export const cseScreening = pgTable(
  'cse_screening',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    toolVersion: text('tool_version').notNull(),
    answers: jsonb('answers').$type<Record<string, Answer>>().notNull(),
    items: jsonb('items').$type<ScoredItem[]>().notNull(),
    score: integer('score').notNull(),
    level: text('level', { enum: ['not_at_risk', 'mild', 'moderate', 'significant'] }).notNull(),
    reviewOn: date('review_on', { mode: 'string' }).notNull(),
    notes: text('notes'),
    screenedByUserId: uuid('screened_by_user_id').references(() => appUser.id),
    screenedByAgencyId: uuid('screened_by_agency_id')
      .notNull()
      .references(() => agency.id),
    screenedAt: timestamp('screened_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('cse_screening_child_idx').on(t.childId, t.screenedAt),
    index('cse_screening_level_idx').on(t.level, t.screenedAt),
    check('cse_screening_level_known', sql`${t.level} in ('not_at_risk', 'mild', 'moderate', 'significant')`),
    check('cse_screening_score', sql`${t.score} >= 0`),
  ],
);
