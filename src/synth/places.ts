import { sql } from 'drizzle-orm';
import { fillMissingCells } from '../features/intelligence/hotspots.service';
import { h3CellOf } from '../features/locations/locations.service';
import { location } from '../features/locations/tables';
import { findLocalAuthority, type LocalAuthorityRef } from '../platform/agencies/reference-data';
import type { Tx } from '../platform/db/client';
import { prng, uuidFrom } from './random';

/**
 * Synthetic places where children go missing from and are found, around each authority's centre:
 * a few hotspots (a bus station, a retail park, takeaways, a hotel) with several places each a few
 * streets apart, and many scattered addresses. Every address is on an "Example" street; nothing
 * names a real home. Drawn from a generator of their own, so adding them changes no other data.
 */

const HOTSPOTS_PER_AUTHORITY = 4;
const PLACES_PER_HOTSPOT = 5;
const SCATTERED_PER_AUTHORITY = 40;
/** Shares of episodes that start, and that end, at a hotspot rather than a scattered address. */
const MISSING_FROM_HOTSPOT = 0.35;
const FOUND_AT_HOTSPOT = 0.55;

const hotspotNames = [
  'Bus station',
  'Retail park car park',
  'Takeaway on Example Street',
  'Hotel on Example Road',
  'Park by Example Lane',
  'Rail station forecourt',
  'Shopping centre food court',
  'Amusement arcade on Example Parade',
];
const streets = ['Example Street', 'Example Road', 'Example Avenue', 'Example Lane', 'Example Close'];

export type PlaceRow = typeof location.$inferInsert & { id: string };

export interface PlacePool {
  /** The places, to load before the episodes that point at them. */
  rows: PlaceRow[];
  /** Where an episode in `authorityCode` started, and (when it has ended) where the child was found. */
  forEpisode(
    authorityCode: string,
    ended: boolean,
  ): { lastSeenLocationId: string | null; foundLocationId: string | null };
}

/** Places for the given authorities, deterministically from `seed`. */
export function placePool(authorities: readonly LocalAuthorityRef[], seed: number, now: Date): PlacePool {
  const random = prng(seed ^ 0x5eed_91ac);
  const between = (min: number, max: number) => min + random() * (max - min);
  const near = (centre: { lat: number; lon: number }, minMiles: number, maxMiles: number) => {
    const miles = between(minMiles, maxMiles);
    const bearing = between(0, 2 * Math.PI);
    return {
      lat: Math.round((centre.lat + (miles * Math.cos(bearing)) / 69.05) * 100_000) / 100_000,
      lon:
        Math.round(
          (centre.lon + (miles * Math.sin(bearing)) / (69.05 * Math.cos((centre.lat * Math.PI) / 180))) *
            100_000,
        ) / 100_000,
    };
  };
  const rows: PlaceRow[] = [];
  const hotspotsOf = new Map<string, string[]>();
  const scatteredOf = new Map<string, string[]>();
  const place = (la: LocalAuthorityRef, name: string, at: { lat: number; lon: number }): string => {
    const id = uuidFrom(random);
    rows.push({
      id,
      name,
      postcode: null,
      latitude: at.lat,
      longitude: at.lon,
      coordinatesSource: 'user',
      localAuthorityCode: la.code,
      h3Cell: h3CellOf(at.lat, at.lon),
      createdAt: now,
    });
    return id;
  };
  for (const la of authorities) {
    const hot: string[] = [];
    for (let h = 0; h < HOTSPOTS_PER_AUTHORITY; h += 1) {
      // Hotspots lie in the busier middle of the authority; their places a street or two apart.
      const centre = near(la, 0.2, 3);
      for (let p = 0; p < PLACES_PER_HOTSPOT; p += 1) {
        const name = hotspotNames[(h * PLACES_PER_HOTSPOT + p) % hotspotNames.length] ?? 'Bus station';
        hot.push(place(la, name, near(centre, 0, 0.15)));
      }
    }
    const scattered: string[] = [];
    for (let s = 0; s < SCATTERED_PER_AUTHORITY; s += 1) {
      const street = streets[Math.floor(random() * streets.length)] ?? 'Example Street';
      scattered.push(place(la, `${1 + Math.floor(random() * 120)} ${street}`, near(la, 0.3, 7)));
    }
    hotspotsOf.set(la.code, hot);
    scatteredOf.set(la.code, scattered);
  }
  const pick = (list: readonly string[]) => list[Math.floor(random() * list.length)] ?? null;
  // Some hotspots are busier than others: the first of each authority's lists is drawn most often.
  const pickSkewed = (list: readonly string[]) => list[Math.floor(random() ** 2 * list.length)] ?? null;
  return {
    rows,
    forEpisode(authorityCode, ended) {
      const hot = hotspotsOf.get(authorityCode) ?? [];
      const scattered = scatteredOf.get(authorityCode) ?? [];
      const from = (share: number) => (random() < share ? pickSkewed(hot) : pick(scattered));
      const lastSeenLocationId = from(MISSING_FROM_HOTSPOT);
      const foundLocationId = ended ? from(FOUND_AT_HOTSPOT) : null;
      return { lastSeenLocationId, foundLocationId };
    },
  };
}

/**
 * For the demo records: places around each episode's authority, each episode pointed at where it
 * started and where the child was found, and a cell for every place that has coordinates.
 */
export async function seedEpisodePlaces<E extends { id: string; endedAt: Date | null }>(
  tx: Tx,
  episodes: readonly E[],
  authorityOf: (e: E) => string,
  now: Date,
): Promise<void> {
  const codes = [...new Set(episodes.map(authorityOf))];
  const authorities = codes.map((c) => findLocalAuthority(c)).filter((a): a is LocalAuthorityRef => !!a);
  const pool = placePool(authorities, 20_260_612, now);
  for (let i = 0; i < pool.rows.length; i += 500)
    await tx.insert(location).values(pool.rows.slice(i, i + 500));
  const pointed = episodes.map((e) => ({ id: e.id, ...pool.forEpisode(authorityOf(e), e.endedAt !== null) }));
  for (let i = 0; i < pointed.length; i += 500) {
    const values = sql.join(
      pointed
        .slice(i, i + 500)
        .map((p) => sql`(${p.id}::uuid, ${p.lastSeenLocationId}::uuid, ${p.foundLocationId}::uuid)`),
      sql`, `,
    );
    await tx.execute(
      sql`update episode set last_seen_location_id = v.seen, found_location_id = v.found
            from (values ${values}) as v(id, seen, found) where episode.id = v.id`,
    );
  }
  await fillMissingCells(tx);
}
