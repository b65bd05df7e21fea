import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { appUser } from '../auth/tables';

/** A long form's answers as its author left them: field name to value (several values for checkboxes). */
export type DraftFields = Record<string, string | string[]>;

/**
 * Work in progress on a long form, kept for its author alone until they submit the form or discard
 * it. One draft per person and form; the key names the form and its record, e.g. `screening:<id>`.
 */
export const formDraft = pgTable(
  'form_draft',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => appUser.id),
    formKey: text('form_key').notNull(),
    fields: jsonb('fields').$type<DraftFields>().notNull(),
    savedAt: timestamp('saved_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    unique('form_draft_user_key').on(t.userId, t.formKey),
    index('form_draft_key_idx').on(t.formKey),
    check('form_draft_key_form', sql`${t.formKey} ~ '^[a-z][a-z0-9-]*:[0-9a-f-]{36}$'`),
  ],
);
