import { eq, sql } from 'drizzle-orm';
import { cellToChildren, cellToLatLng, cellToParent, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import type { Context } from '../../platform/context';
import { episode } from '../episodes/tables';
import { location } from '../locations/tables';
import { sighting, sightingAccessCode } from '../sightings/tables';
import { DAY_HOURS, type HotspotFilter, hoursBetween, NIGHT_HOURS } from './hotspots.service';

let t: TestApp;
let social: Context; // Leeds, child:view and intelligence:view
let lead: Context; // Leeds, child:view only: suppressed counts
let analyst: Context; // Leeds, intelligence:view only: exact counts, no names
let neighbour: Context; // North Yorkshire social care
let health: Context; // neither permission
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-09-01T12:00:00Z');
  social = await contextFor(t, 'social.mash@lantern.invalid');
  lead = await contextFor(t, 'missing.lead@lantern.invalid');
  analyst = await contextFor(t, 'analyst@lantern.invalid');
  neighbour = await contextFor(t, 'neighbour.social@lantern.invalid');
  health = await contextFor(t, 'health@lantern.invalid');
});
afterAll(async () => {
  await t.close();
});

/** A place at a position, with its cell computed as the locations service records it. */
async function placeAt(lat: number, lon: number, name = '1 Example Street'): Promise<string> {
  return t.services.withTransaction((tx) =>
    t.services.locations.insert(
      tx,
      {
        name,
        postcode: null,
        latitude: lat,
        longitude: lon,
        coordinatesSource: 'user',
        localAuthorityCode: 'E08000035',
      },
      t.clock.now(),
    ),
  );
}

let named = 0;
async function childOf(ctx: Context, familyName = 'Example'): Promise<string> {
  named += 1;
  return t.services.children.create(ctx, { givenName: `Hotspot${named}`, familyName });
}

/** An episode that started at `from` (and, when given, ended an hour later at `foundAt`). */
async function episodeAt(
  ctx: Context,
  childId: string,
  startedAt: string,
  lastSeenLocationId: string | null,
  foundLocationId: string | null = null,
): Promise<void> {
  const start = new Date(startedAt);
  await t.services.withTransaction((tx) =>
    tx.insert(episode).values({
      childId,
      kind: 'missing',
      startedAt: start,
      reportedAt: start,
      reportedByAgencyId: ctx.actor?.agencyId ?? '',
      lastSeenLocationId,
      endedAt: new Date(start.getTime() + 3_600_000),
      foundLocationId,
      createdAt: start,
    }),
  );
}

const countIn = async (ctx: Context, cell: string, filter: HotspotFilter = {}) => {
  const answer = await t.services.hotspots.hexagons(ctx, { resolution: 9, ...filter });
  return answer.hexagons.find((h) => h.cell === cell);
};

describe('hotspot binning', () => {
  it('counts places in the H3 cell of their coordinates and rolls small cells up into their parents', async () => {
    const a = latLngToCell(53.801, -1.548, 9);
    const parent = cellToParent(a, 8);
    const sibling = cellToChildren(parent, 9).find((c) => c !== a) ?? '';
    const [sLat, sLon] = cellToLatLng(sibling);
    const [aLat, aLon] = cellToLatLng(a);
    const here = await placeAt(aLat, aLon);
    const there = await placeAt(sLat, sLon);
    const c1 = await childOf(social);
    const c2 = await childOf(social);
    await episodeAt(social, c1, '2026-05-01T20:00:00Z', here, there);
    await episodeAt(social, c1, '2026-05-03T20:00:00Z', here, here);
    await episodeAt(social, c2, '2026-05-04T20:00:00Z', there, null);

    const fine = await t.services.hotspots.hexagons(analyst, { resolution: 9 });
    expect(fine.hexagons.find((h) => h.cell === a)?.byKind).toEqual({ missing: 2, found: 1, seen: 0 });
    expect(fine.hexagons.find((h) => h.cell === sibling)?.byKind).toEqual({ missing: 1, found: 1, seen: 0 });
    expect(fine.hexagons.find((h) => h.cell === a)?.areaName).toBe('Leeds');

    const coarse = await t.services.hotspots.hexagons(analyst, { resolution: 8 });
    const rolled = coarse.hexagons.find((h) => h.cell === parent);
    expect(rolled?.total).toBe(5);
    expect(rolled?.byKind).toEqual({ missing: 3, found: 2, seen: 0 });
    expect(coarse.hexagons.some((h) => h.cell === a)).toBe(false);

    const foundOnly = await t.services.hotspots.hexagons(analyst, { resolution: 8, kinds: ['found'] });
    expect(foundOnly.hexagons.find((h) => h.cell === parent)?.total).toBe(2);
  });

  it('counts children seen at a place once a sighting is linked to them', async () => {
    const [lat, lon] = cellToLatLng(latLngToCell(53.79, -1.6, 9));
    const cell = latLngToCell(lat, lon, 9);
    const hotel = await placeAt(lat, lon, 'Hotel on Example Road');
    const c = await childOf(social);
    const hotelAdmin = await contextFor(t, 'hotel.admin@lantern.invalid');
    const { id: accessCodeId } = await t.services.sightings.issueCode(hotelAdmin, { label: 'Desk' });
    const [code] = await t.services.withTransaction((tx) =>
      tx.select().from(sightingAccessCode).where(eq(sightingAccessCode.id, accessCodeId)),
    );
    const base = {
      accessCodeId,
      agencyId: code?.agencyId ?? '',
      areaAuthorityCode: 'E08000035',
      place: 'Reception',
      locationId: hotel,
      whatSeen: 'Synthetic: a young person with older adults',
      createdAt: new Date('2026-06-01T23:30:00Z'),
    };
    await t.services.withTransaction((tx) =>
      tx.insert(sighting).values([
        {
          ...base,
          reference: 'S-HOT-1',
          seenAt: new Date('2026-06-01T23:00:00Z'),
          status: 'linked',
          childId: c,
        },
        {
          ...base,
          reference: 'S-HOT-2',
          seenAt: new Date('2026-06-02T23:00:00Z'),
          status: 'linked',
          childId: c,
        },
        {
          ...base,
          reference: 'S-HOT-3',
          seenAt: new Date('2026-06-03T23:00:00Z'),
          status: 'linked',
          childId: c,
        },
        { ...base, reference: 'S-HOT-4', seenAt: new Date('2026-06-04T23:00:00Z') },
      ]),
    );
    const h = await countIn(analyst, cell, { kinds: ['seen'] });
    expect(h?.total).toBe(3);
  });
});

describe('hotspot filters, in London time', () => {
  it('keep night (22:00 to 06:00) and day apart by the clock in London, summer and winter', async () => {
    const [lat, lon] = cellToLatLng(latLngToCell(53.82, -1.5, 9));
    const cell = latLngToCell(lat, lon, 9);
    const p = await placeAt(lat, lon);
    const c = await childOf(social);
    await episodeAt(social, c, '2026-07-10T21:30:00Z', p); // 22:30 BST: night
    await episodeAt(social, c, '2026-01-15T21:30:00Z', p); // 21:30 GMT: day
    await episodeAt(social, c, '2026-07-10T05:30:00Z', p); // 06:30 BST: day
    await episodeAt(social, c, '2026-07-09T04:30:00Z', p); // 05:30 BST: night
    const night = await countIn(analyst, cell, { kinds: ['missing'], hours: NIGHT_HOURS });
    const day = await countIn(analyst, cell, { kinds: ['missing'], hours: DAY_HOURS });
    expect(night?.total).toBe(2);
    expect(day?.total).toBe(2);
    // An hour band: 21:00 to 23:00 holds the summer 22:30 and the winter 21:30.
    expect((await countIn(analyst, cell, { kinds: ['missing'], hours: hoursBetween(21, 23) }))?.total).toBe(
      2,
    );
    expect(hoursBetween(22, 6)).toEqual(NIGHT_HOURS);
  });

  it('take days of the week and dates from the London calendar', async () => {
    const [lat, lon] = cellToLatLng(latLngToCell(53.78, -1.52, 9));
    const cell = latLngToCell(lat, lon, 9);
    const p = await placeAt(lat, lon);
    const c = await childOf(social);
    await episodeAt(social, c, '2026-07-11T23:30:00Z', p); // Sunday 12 July 00:30 in London; Saturday in UTC
    await episodeAt(social, c, '2026-06-30T23:30:00Z', p); // Wednesday 1 July 00:30 in London
    await episodeAt(social, c, '2026-07-20T12:00:00Z', p); // Monday 20 July
    const sunday = await countIn(analyst, cell, { kinds: ['missing'], weekdays: [7] });
    expect(sunday?.total).toBe(1);
    expect(await countIn(analyst, cell, { kinds: ['missing'], weekdays: [6] })).toBeUndefined();
    const july = await countIn(analyst, cell, { kinds: ['missing'], from: '2026-07-01', to: '2026-07-12' });
    expect(july?.total).toBe(2);
    const june = await countIn(analyst, cell, { kinds: ['missing'], to: '2026-06-30' });
    expect(june).toBeUndefined();
    const lastDay = await countIn(analyst, cell, {
      kinds: ['missing'],
      from: '2026-07-20',
      to: '2026-07-20',
    });
    expect(lastDay?.total).toBe(1);
  });
});

describe('who sees what', () => {
  it('shows counts of 1 or 2 as fewer than 3 without intelligence:view, and exact counts with it', async () => {
    const [lat, lon] = cellToLatLng(latLngToCell(53.76, -1.58, 9));
    const small = latLngToCell(lat, lon, 9);
    const [bLat, bLon] = cellToLatLng(latLngToCell(53.755, -1.65, 9));
    const busy = latLngToCell(bLat, bLon, 9);
    const p = await placeAt(lat, lon);
    const q = await placeAt(bLat, bLon);
    const c = await childOf(social);
    await episodeAt(social, c, '2026-04-01T20:00:00Z', p);
    await episodeAt(social, c, '2026-04-02T20:00:00Z', p);
    for (const day of ['03', '04', '05']) await episodeAt(social, c, `2026-04-${day}T20:00:00Z`, q);

    const suppressed = await countIn(lead, small, { kinds: ['missing'] });
    expect(suppressed?.total).toBeNull();
    expect(suppressed?.byKind).toBeNull();
    expect((await countIn(lead, busy, { kinds: ['missing'] }))?.total).toBe(3);
    expect((await countIn(analyst, small, { kinds: ['missing'] }))?.total).toBe(2);
    expect((await countIn(social, small, { kinds: ['missing'] }))?.total).toBe(2);
    await expect(t.services.hotspots.cell(lead, small, {})).rejects.toThrow();
    await expect(t.services.hotspots.hexagons(health, {})).resolves.toBeDefined();
    const nobody = { ...health, permissions: new Set<never>() };
    await expect(t.services.hotspots.hexagons(nobody, {})).rejects.toThrow();
  });

  it('counts only children the agency may see, and names in a cell only children the user may open', async () => {
    const [lat, lon] = cellToLatLng(latLngToCell(53.81, -1.45, 9));
    const cell = latLngToCell(lat, lon, 9);
    const p = await placeAt(lat, lon, 'Bus station');
    const ours = await childOf(social, 'Ourchild');
    const theirs = await childOf(neighbour, 'Theirchild');
    await episodeAt(social, ours, '2026-08-01T20:00:00Z', p);
    await episodeAt(neighbour, theirs, '2026-08-02T20:00:00Z', p);
    await episodeAt(neighbour, theirs, '2026-08-03T20:00:00Z', p);

    expect((await countIn(social, cell))?.total).toBe(1);
    expect((await countIn(neighbour, cell))?.total).toBe(2);

    const opened = await t.services.hotspots.cell(social, cell, {});
    expect(opened.places.map((x) => [x.name, x.byKind.missing])).toEqual([['Bus station', 1]]);
    expect(opened.records.map((r) => r.childName)).toEqual([`Hotspot${named - 1} Ourchild`]);
    // The analyst counts the agency's children but may open none of them.
    const analysed = await t.services.hotspots.cell(analyst, cell, {});
    expect(analysed.places[0]?.byKind.missing).toBe(1);
    expect(analysed.records).toEqual([]);
    // A coarser cell holds the same place.
    const parent = cellToParent(cell, 7);
    expect((await t.services.hotspots.cell(social, parent, {})).places.map((x) => x.name)).toContain(
      'Bus station',
    );
  });

  it('gives every place with coordinates but no cell its cell', async () => {
    await t.services.withTransaction((tx) =>
      tx.insert(location).values({
        name: '2 Example Street',
        latitude: 53.8,
        longitude: -1.55,
        coordinatesSource: 'user',
        createdAt: t.clock.now(),
      }),
    );
    expect(await t.services.hotspots.fillMissingCells()).toBeGreaterThanOrEqual(1);
    const [left] = await t.services.withTransaction((tx) =>
      tx
        .select({ n: sql<number>`count(*)::int` })
        .from(location)
        .where(sql`${location.h3Cell} is null and ${location.latitude} is not null`),
    );
    expect(Number(left?.n)).toBe(0);
    const [row] = await t.services.withTransaction((tx) =>
      tx.select().from(location).where(eq(location.name, '2 Example Street')),
    );
    expect(row?.h3Cell).toBe(latLngToCell(53.8, -1.55, 9));
  });
});
