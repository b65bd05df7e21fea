import { sql } from 'drizzle-orm';
import { check, doublePrecision, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * A place: an address or place name, a postcode when there is one, and coordinates from the
 * postcode lookup service or entered by a user. Episodes and profiles point at locations, so the
 * places children are seen and found can be counted together.
 */
export const location = pgTable(
  'location',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    postcode: text('postcode'),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    /** Where the coordinates came from: the lookup service or the user. */
    coordinatesSource: text('coordinates_source', { enum: ['lookup', 'user'] }),
    localAuthorityCode: text('local_authority_code'),
    /** The H3 cell (resolution 9, about 0.1 km²) of the coordinates: hotspots count by it. */
    h3Cell: text('h3_cell'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('location_postcode_idx').on(t.postcode),
    index('location_h3_idx').on(t.h3Cell),
    check('location_coordinates_pair', sql`(${t.latitude} is null) = (${t.longitude} is null)`),
    check(
      'location_coordinates_source',
      sql`(${t.latitude} is null and ${t.coordinatesSource} is null) or ${t.coordinatesSource} in ('lookup', 'user')`,
    ),
  ],
);
