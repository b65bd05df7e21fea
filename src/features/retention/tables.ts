import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { agency } from '../../platform/agencies/tables';
import { appUser } from '../../platform/auth/tables';
import { sqlList } from '../../platform/db/sql-list';

/** The kinds of record that come up for a keep-or-dispose review, each with its own period. */
export const retentionRecordTypes = ['child', 'sighting', 'nfa_notice', 'intelligence_entity'] as const;
export type RetentionRecordType = (typeof retentionRecordTypes)[number];

/**
 * A decision to keep a record that was due for review for another period, with the reason. The
 * record id is the record's own (a child, a sighting …), so it has no foreign key; disposing of the
 * record deletes these rows with it.
 */
export const retentionKeep = pgTable(
  'retention_keep',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    recordType: text('record_type', { enum: retentionRecordTypes }).notNull(),
    recordId: uuid('record_id').notNull(),
    keptUntil: timestamp('kept_until', { withTimezone: true }).notNull(),
    reason: text('reason').notNull(),
    decidedByUserId: uuid('decided_by_user_id')
      .notNull()
      .references(() => appUser.id),
    decidedByAgencyId: uuid('decided_by_agency_id')
      .notNull()
      .references(() => agency.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('retention_keep_record_idx').on(t.recordType, t.recordId, t.keptUntil),
    check('retention_keep_type_known', sql`${t.recordType} in (${sqlList(retentionRecordTypes)})`),
    check('retention_keep_reason', sql`length(trim(${t.reason})) > 0`),
    check('retention_keep_later', sql`${t.keptUntil} > ${t.decidedAt}`),
  ],
);
