import { sql } from 'drizzle-orm';
import { check, date, doublePrecision, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { child } from '../../platform/access/tables';
import { localAuthority } from '../../platform/agencies/tables';
import { childrensHome } from '../homes/tables';

/** SSDA903 placement types valid from 2025/26 (K2 is a children's home). */
export const placementTypes = [
  'A3',
  'A4',
  'A5',
  'A6',
  'K1',
  'K2',
  'K3',
  'P1',
  'P3',
  'R1',
  'R2',
  'R3',
  'R5',
  'S1',
  'T0',
  'T1',
  'T2',
  'T3',
  'T4',
  'U1',
  'U2',
  'U3',
  'U4',
  'U5',
  'U6',
  'Z11',
  'Z12',
  'Z13',
  'Z14',
] as const;
export const placementProviders = ['PR0', 'PR1', 'PR2', 'PR3', 'PR4', 'PR5'] as const;

/**
 * A child's placement: in a registered home or with carers at a postcode. The host authority is
 * taken from the home's register row or chosen by the user; the host force follows from it.
 */
export const placement = pgTable(
  'placement',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    homeId: uuid('home_id').references(() => childrensHome.id),
    postcode: text('postcode').notNull(),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    placementType: text('placement_type').notNull(),
    provider: text('provider'),
    placingAuthorityCode: text('placing_authority_code')
      .notNull()
      .references(() => localAuthority.code),
    hostAuthorityCode: text('host_authority_code')
      .notNull()
      .references(() => localAuthority.code),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }),
    /** Straight-line miles from the child's home, when both places have coordinates. */
    distanceFromHomeMiles: doublePrecision('distance_from_home_miles'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('placement_child_idx').on(t.childId, t.startDate),
    index('placement_host_idx').on(t.hostAuthorityCode),
    check('placement_dates', sql`${t.endDate} is null or ${t.endDate} >= ${t.startDate}`),
    check(
      'placement_provider_given',
      sql`${t.placementType} in ('T0','T1','T2','T3','T4','Z11','Z12','Z13','Z14') or ${t.provider} is not null`,
    ),
  ],
);
