import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { appUser } from '../../platform/auth/tables';
import { bytea } from '../../platform/db/columns';
import { location } from '../locations/tables';

/**
 * A child's Philomena profile: what carers record in advance so that police can act at once when
 * the child goes missing. One row per child; lists (phones, accounts, people, places) are entries.
 */
export const childProfile = pgTable('child_profile', {
  childId: uuid('child_id')
    .primaryKey()
    .references(() => child.id),
  height: text('height'),
  build: text('build'),
  hair: text('hair'),
  eyes: text('eyes'),
  distinguishingFeatures: text('distinguishing_features'),
  usualClothing: text('usual_clothing'),
  languages: text('languages'),
  healthNeeds: text('health_needs'),
  medication: text('medication'),
  money: text('money'),
  transport: text('transport'),
  otherInformation: text('other_information'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  updatedByUserId: uuid('updated_by_user_id').references(() => appUser.id),
});

/**
 * One changed field of a profile's description and needs, per save: the old value is kept with who
 * changed it. Carers update descriptions routinely, so the reason is optional.
 */
export const childProfileChange = pgTable(
  'child_profile_change',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    field: text('field').notNull(),
    oldValue: text('old_value'),
    newValue: text('new_value'),
    reason: text('reason'),
    changedByUserId: uuid('changed_by_user_id').references(() => appUser.id),
    changedByAgencyId: uuid('changed_by_agency_id').references(() => agency.id),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('child_profile_change_child_idx').on(t.childId, t.changedAt),
    check('child_profile_change_changes', sql`${t.oldValue} is distinct from ${t.newValue}`),
  ],
);

export const profileEntryKinds = ['phone', 'social_media', 'associate', 'place'] as const;
export type ProfileEntryKind = (typeof profileEntryKinds)[number];

/**
 * One phone, online account, person or place on a child's profile. Removing an entry keeps the
 * row (removed_at), so what police were told is never lost.
 */
export const childProfileEntry = pgTable(
  'child_profile_entry',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    kind: text('kind', { enum: profileEntryKinds }).notNull(),
    /** The number, the handle, the person's name or the place's name. */
    value: text('value').notNull(),
    /** The platform, the relationship, or notes. */
    detail: text('detail'),
    locationId: uuid('location_id').references(() => location.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    createdByUserId: uuid('created_by_user_id').references(() => appUser.id),
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [
    index('child_profile_entry_child_idx').on(t.childId, t.kind),
    check('child_profile_entry_kind', sql`${t.kind} in ('phone', 'social_media', 'associate', 'place')`),
  ],
);

/**
 * A photo of the child, re-encoded on upload so that no metadata (camera, time, GPS position of
 * the placement) survives. The newest is the one shown.
 */
export const childPhoto = pgTable(
  'child_photo',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    contentType: text('content_type', { enum: ['image/jpeg', 'image/png'] }).notNull(),
    bytes: bytea('bytes').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull(),
    uploadedByUserId: uuid('uploaded_by_user_id').references(() => appUser.id),
  },
  (t) => [
    index('child_photo_child_idx').on(t.childId, t.uploadedAt),
    check('child_photo_type', sql`${t.contentType} in ('image/jpeg', 'image/png')`),
  ],
);
