import { sql } from 'drizzle-orm';
import { check, doublePrecision, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { agency, localAuthority } from '../../platform/agencies/tables';

/** The register of children's homes (Ofsted URN as the key), imported from the regulator's list. */
export const childrensHome = pgTable(
  'childrens_home',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    urn: text('urn').notNull().unique(),
    name: text('name').notNull(),
    providerName: text('provider_name').notNull(),
    /** The provider's agency in Lantern, when it has one: its staff then see the home's children. */
    providerAgencyId: uuid('provider_agency_id').references(() => agency.id),
    address: text('address').notNull(),
    postcode: text('postcode').notNull(),
    localAuthorityCode: text('local_authority_code')
      .notNull()
      .references(() => localAuthority.code),
    registeredPlaces: integer('registered_places').notNull(),
    status: text('status', { enum: ['active', 'suspended', 'closed'] }).notNull(),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('childrens_home_authority_idx').on(t.localAuthorityCode),
    check('childrens_home_places', sql`${t.registeredPlaces} >= 0`),
    check('childrens_home_status_known', sql`${t.status} in ('active', 'suspended', 'closed')`),
  ],
);
