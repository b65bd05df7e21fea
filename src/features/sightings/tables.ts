import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { child } from '../../platform/access/tables';
import { agency, localAuthority } from '../../platform/agencies/tables';
import { appUser } from '../../platform/auth/tables';
import { location } from '../locations/tables';

/**
 * An access code issued to a report-only organisation (a hotel, a venue) so that its staff can
 * report what they see without an account. Only a hash is kept; the code is shown once.
 */
export const sightingAccessCode = pgTable(
  'sighting_access_code',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agency.id),
    /** Where the organisation is: its sightings go to this area's MASH unless the postcode says otherwise. */
    areaAuthorityCode: text('area_authority_code')
      .notNull()
      .references(() => localAuthority.code),
    label: text('label').notNull(),
    codeHash: text('code_hash').notNull(),
    createdByUserId: uuid('created_by_user_id').references(() => appUser.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedByUserId: uuid('revoked_by_user_id').references(() => appUser.id),
  },
  (t) => [
    uniqueIndex('sighting_access_code_hash_idx').on(t.codeHash),
    index('sighting_access_code_agency_idx').on(t.agencyId),
  ],
);

export const sightingStatuses = ['new', 'linked', 'intelligence'] as const;

/**
 * What hotel, venue or frontline staff saw. Write-only for the reporter, who gets a reference; the
 * MASH of the area links it to a child or keeps it as unmatched intelligence.
 */
export const sighting = pgTable(
  'sighting',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    reference: text('reference').notNull(),
    accessCodeId: uuid('access_code_id')
      .notNull()
      .references(() => sightingAccessCode.id),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agency.id),
    areaAuthorityCode: text('area_authority_code')
      .notNull()
      .references(() => localAuthority.code),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull(),
    place: text('place').notNull(),
    locationId: uuid('location_id').references(() => location.id),
    whatSeen: text('what_seen').notNull(),
    youngPeople: text('young_people'),
    adults: text('adults'),
    vehicles: text('vehicles'),
    roomNumbers: text('room_numbers'),
    reporterName: text('reporter_name'),
    reporterContact: text('reporter_contact'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: sightingStatuses }).notNull().default('new'),
    childId: uuid('child_id').references(() => child.id),
    triagedByUserId: uuid('triaged_by_user_id').references(() => appUser.id),
    triagedAt: timestamp('triaged_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('sighting_reference_idx').on(t.reference),
    index('sighting_queue_idx').on(t.areaAuthorityCode, t.status, t.createdAt),
    index('sighting_child_idx').on(t.childId),
    check('sighting_status_known', sql`${t.status} in ('new', 'linked', 'intelligence')`),
    check('sighting_linked_has_child', sql`(${t.status} = 'linked') = (${t.childId} is not null)`),
  ],
);
