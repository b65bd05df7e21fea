import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { appUser } from '../../platform/auth/tables';

export const alertKinds = [
  'episode-reported',
  'episode-graded-high',
  'return-interview-due-soon',
  'return-interview-overdue',
  'concern-raised',
  'notice-raised',
  'notice-overdue',
  'decision-to-confirm',
  'sighting-reported',
  'child-shared',
  'break-glass-used',
  'placement-started',
  'placement-ended',
  'child-turning-18',
  'child-turned-18',
  'warning-notice-breached',
  'intelligence-pattern',
] as const;
export type AlertKind = (typeof alertKinds)[number];

/**
 * An alert in an agency's duty inbox. It holds ids and a kind, never names: the page shows the
 * child's name only to someone whose agency may see the child. Someone acknowledges each one.
 */
export const alert = pgTable(
  'alert',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agency.id),
    kind: text('kind', { enum: alertKinds }).notNull(),
    /** Null only for a notice about a young person not yet identified. */
    childId: uuid('child_id').references(() => child.id),
    /** The record the alert is about: an episode or a return interview. */
    subjectType: text('subject_type').notNull(),
    subjectId: uuid('subject_id').notNull(),
    priority: text('priority', { enum: ['high', 'normal'] })
      .notNull()
      .default('normal'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedByUserId: uuid('acknowledged_by_user_id').references(() => appUser.id),
    /** 0 until a high-priority alert waits too long; then 1 (duty manager), 2 (coordinator or missing lead). */
    escalationLevel: integer('escalation_level').notNull().default(0),
    lastEscalatedAt: timestamp('last_escalated_at', { withTimezone: true }),
  },
  (t) => [
    index('alert_inbox_idx').on(t.agencyId, t.acknowledgedAt, t.createdAt),
    check('alert_priority_known', sql`${t.priority} in ('high', 'normal')`),
  ],
);

/**
 * A children's home's concern: "suspicion that a child accommodated in the home is at risk of
 * abuse or sexual exploitation" (seed 2.8). It goes to the placing and host authorities and police.
 */
export const concern = pgTable(
  'concern',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    raisedByUserId: uuid('raised_by_user_id').references(() => appUser.id),
    raisedByAgencyId: uuid('raised_by_agency_id')
      .notNull()
      .references(() => agency.id),
    details: text('details').notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('concern_child_idx').on(t.childId, t.raisedAt)],
);
