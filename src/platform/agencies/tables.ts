import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { sqlList } from '../db/sql-list';

/** Upper-tier local authorities of England and Wales (children's services authorities). */
export const localAuthority = pgTable('local_authority', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  policeForceCode: text('police_force_code')
    .notNull()
    .references(() => policeForce.code),
});

/** The 43 territorial police forces of England and Wales. */
export const policeForce = pgTable('police_force', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
});

export const agencyTypes = [
  'police_force',
  'local_authority',
  'health',
  'education',
  'voluntary',
  'childrens_home_provider',
  'report_only',
] as const;
export type AgencyType = (typeof agencyTypes)[number];

export const agency = pgTable(
  'agency',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    type: text('type', { enum: agencyTypes }).notNull(),
    /** The authority whose area the agency serves (for a local authority, itself). */
    localAuthorityCode: text('local_authority_code').references(() => localAuthority.code),
    /** For a police force agency: the force it is. */
    policeForceCode: text('police_force_code').references(() => policeForce.code),
    email: text('email'),
    /** The emergency duty team's address: alerts raised out of office hours go there as well. */
    outOfHoursEmail: text('out_of_hours_email'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
  },
  (t) => [
    check('agency_type_known', sql`${t.type} in (${sqlList(agencyTypes)})`),
    check('agency_force_has_code', sql`${t.type} <> 'police_force' or ${t.policeForceCode} is not null`),
    check(
      'agency_authority_has_code',
      sql`${t.type} <> 'local_authority' or ${t.localAuthorityCode} is not null`,
    ),
    index('agency_name_idx').on(t.name),
  ],
);

/** A service one agency commissions from another: a local authority's return interviews done by a charity. */
export const commission = pgTable(
  'commission',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    commissionerAgencyId: uuid('commissioner_agency_id')
      .notNull()
      .references(() => agency.id),
    providerAgencyId: uuid('provider_agency_id')
      .notNull()
      .references(() => agency.id),
    service: text('service', { enum: ['return_interviews'] }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('commission_commissioner_idx').on(t.commissionerAgencyId, t.service)],
);
