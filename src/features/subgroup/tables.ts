import { sql } from 'drizzle-orm';
import {
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
import { child } from '../../platform/access/tables';
import { agency, localAuthority } from '../../platform/agencies/tables';
import { appUser } from '../../platform/auth/tables';

/** An area's multi-agency CSE and missing subgroup, with its named lead (seed 2.14, 7.3–7.6). */
export const subgroup = pgTable(
  'subgroup',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    authorityCode: text('authority_code')
      .notNull()
      .references(() => localAuthority.code),
    name: text('name').notNull(),
    leadUserId: uuid('lead_user_id')
      .notNull()
      .references(() => appUser.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('subgroup_area_idx').on(t.authorityCode)],
);

/** A member of a subgroup, from any agency; leaving keeps the row. */
export const subgroupMember = pgTable(
  'subgroup_member',
  {
    subgroupId: uuid('subgroup_id')
      .notNull()
      .references(() => subgroup.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => appUser.id),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull(),
    leftAt: timestamp('left_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('subgroup_member_current_idx').on(t.subgroupId, t.userId).where(sql`${t.leftAt} is null`),
  ],
);

export const subgroupMeeting = pgTable(
  'subgroup_meeting',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subgroupId: uuid('subgroup_id')
      .notNull()
      .references(() => subgroup.id),
    meetsAt: timestamp('meets_at', { withTimezone: true }).notNull(),
    venue: text('venue').notNull(),
    agendaBuiltAt: timestamp('agenda_built_at', { withTimezone: true }),
    minutes: text('minutes'),
    minutesRecordedAt: timestamp('minutes_recorded_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('subgroup_meeting_idx').on(t.subgroupId, t.meetsAt)],
);

export const agendaKinds = [
  'repeat_missing',
  'repeat_absence',
  'return_interview_overdue',
  'screening',
  'strategy_discussion',
  'intelligence_pattern',
] as const;
export type AgendaKind = (typeof agendaKinds)[number];

/** One item on a meeting's agenda: a child the hub flagged, and why. Kept as built. */
export const agendaItem = pgTable(
  'agenda_item',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => subgroupMeeting.id),
    kind: text('kind', { enum: agendaKinds }).notNull(),
    childId: uuid('child_id').references(() => child.id),
    /** For an intelligence pattern: the pattern, whose evidence names the children. */
    patternId: uuid('pattern_id'),
    reason: text('reason').notNull(),
    position: integer('position').notNull(),
  },
  (t) => [
    index('agenda_item_meeting_idx').on(t.meetingId, t.position),
    check(
      'agenda_item_kind',
      sql`${t.kind} in ('repeat_missing', 'repeat_absence', 'return_interview_overdue', 'screening', 'strategy_discussion', 'intelligence_pattern')`,
    ),
  ],
);

/** An action agreed at a meeting, with its owner and due date. */
export const subgroupAction = pgTable(
  'subgroup_action',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => subgroupMeeting.id),
    agendaItemId: uuid('agenda_item_id').references(() => agendaItem.id),
    description: text('description').notNull(),
    ownerName: text('owner_name').notNull(),
    ownerAgencyId: uuid('owner_agency_id')
      .notNull()
      .references(() => agency.id),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    doneAt: timestamp('done_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('subgroup_action_meeting_idx').on(t.meetingId)],
);
