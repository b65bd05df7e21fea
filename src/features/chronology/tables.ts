import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { appUser } from '../../platform/auth/tables';

/** A case note on a child's chronology, with its author's agency. */
export const caseNote = pgTable(
  'case_note',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agency.id),
    authorUserId: uuid('author_user_id').references(() => appUser.id),
    note: text('note').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('case_note_child_idx').on(t.childId, t.createdAt)],
);
