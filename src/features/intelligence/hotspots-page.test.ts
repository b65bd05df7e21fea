import { cellToLatLng, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import type { Context } from '../../platform/context';
import { seedDemoRecords } from '../../synth/demo-records';
import { episode } from '../episodes/tables';

let t: TestApp;
let social: Context;
let neighbour: Context;
/** Three cells: one with 5 episodes, one with 2 (one of them another area's child), one with 1. */
const cells: string[] = [];
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-09-01T12:00:00Z');
  social = await contextFor(t, 'social.mash@lantern.invalid');
  neighbour = await contextFor(t, 'neighbour.social@lantern.invalid');
  const place = async (lat: number, lon: number, name: string) => {
    const [a, b] = cellToLatLng(latLngToCell(lat, lon, 9));
    cells.push(latLngToCell(a, b, 9));
    return t.services.withTransaction((tx) =>
      t.services.locations.insert(
        tx,
        {
          name,
          postcode: null,
          latitude: a,
          longitude: b,
          coordinatesSource: 'user',
          localAuthorityCode: 'E08000035',
        },
        t.clock.now(),
      ),
    );
  };
  const busy = await place(53.7965, -1.5478, 'Bus station');
  const quiet = await place(53.84, -1.5, 'Park by Example Lane');
  const lonely = await place(53.75, -1.6, '3 Example Street');
  const leedsChild = await t.services.children.create(social, { givenName: 'Ada', familyName: 'Pagetest' });
  const yorkChild = await t.services.children.create(neighbour, {
    givenName: 'Bryn',
    familyName: 'Hiddenname',
  });
  const at = (childId: string, ctx: Context, day: number, locationId: string) => {
    const startedAt = new Date(Date.UTC(2026, 7, day, 21, 0));
    return {
      childId,
      kind: 'missing' as const,
      startedAt,
      reportedAt: startedAt,
      reportedByAgencyId: ctx.actor?.agencyId ?? '',
      lastSeenLocationId: locationId,
      endedAt: new Date(startedAt.getTime() + 3_600_000),
      createdAt: startedAt,
    };
  };
  await t.services.withTransaction((tx) =>
    tx
      .insert(episode)
      .values([
        ...[1, 2, 3, 4, 5].map((d) => at(leedsChild, social, d, busy)),
        at(leedsChild, social, 6, quiet),
        at(leedsChild, social, 7, quiet),
        at(yorkChild, neighbour, 8, quiet),
        at(leedsChild, social, 9, lonely),
      ]),
  );
});
afterAll(async () => {
  await t.close();
});

/** The map's hexagons and the table's rows, each as cell → the count it shows. */
function mapAndTable(body: string) {
  const polygons = new Map(
    [...body.matchAll(/<polygon [^>]*data-cell="([0-9a-f]+)" data-count="(\d*)"/g)].map((m) => [m[1], m[2]]),
  );
  const table = body.slice(body.indexOf('data-hotspot-table'));
  const rows = new Map(
    [...table.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)]
      .map((m) => m[1] ?? '')
      .filter((row) => row.includes('data-cell'))
      .map((row) => {
        const cell = /data-cell="([0-9a-f]+)"/.exec(row)?.[1];
        const cellsText = [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => textOf(c[1] ?? ''));
        return [cell, cellsText.at(-1)];
      }),
  );
  return { polygons, rows };
}

const filters = 'size=9&what=missing';

describe('the hotspot page', () => {
  it('draws the map as an accessible SVG with a table that shows the same counts', async () => {
    const b = new Browser(t.app);
    await b.signIn('social.mash@lantern.invalid');
    const page = await b.get(`/intelligence/hotspots?${filters}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<svg [^>]*role="img" aria-labelledby="hotspot-map-title hotspot-map-desc"/);
    expect(page.body).toContain('<desc id="hotspot-map-desc">');
    expect(page.body).toMatch(/<script type="module" src="\/assets\/js\/hotspot-map.mjs" nonce="[^"]+">/);
    const { polygons, rows } = mapAndTable(page.body);
    expect(polygons.get(cells[0])).toBe('5');
    expect(polygons.get(cells[1])).toBe('2');
    expect(polygons.get(cells[2])).toBe('1');
    expect(polygons.size).toBe(3);
    expect([...rows.keys()]).toEqual([...polygons.keys()]);
    for (const [cell, count] of polygons) expect(rows.get(cell)).toBe(count);
    // The breakdown by kind, and a link to each hexagon's places.
    expect(textOf(page.body)).toContain('Went missing from');
    expect(page.body).toContain(`href="/intelligence/hotspots/cells/${cells[0]}?size=9&amp;what=missing"`);
  });

  it('shows fewer than 3 for small counts, and no places, to a user without intelligence permission', async () => {
    const b = new Browser(t.app);
    await b.signIn('missing.lead@lantern.invalid');
    const page = await b.get(`/intelligence/hotspots?${filters}`);
    expect(page.statusCode).toBe(200);
    const { polygons, rows } = mapAndTable(page.body);
    expect(rows.get(cells[0])).toBe('5');
    expect(rows.get(cells[1])).toBe('Fewer than 3');
    expect(rows.get(cells[2])).toBe('Fewer than 3');
    expect(polygons.get(cells[1])).toBe('');
    expect(page.body).not.toContain('/intelligence/hotspots/cells/');
    expect(textOf(page.body)).toContain('Counts of 1 or 2 are shown as “fewer than 3”');
    expect((await b.get(`/intelligence/hotspots/cells/${cells[0]}`)).statusCode).toBe(404);
  });

  it('names in a hexagon only the children the user may open', async () => {
    const b = new Browser(t.app);
    await b.signIn('social.mash@lantern.invalid');
    const opened = textOf((await b.get(`/intelligence/hotspots/cells/${cells[1]}?what=missing`)).body);
    expect(opened).toContain('Park by Example Lane');
    expect(opened).toContain('Ada Pagetest');
    expect(opened).not.toContain('Hiddenname');
    const analyst = new Browser(t.app);
    await analyst.signIn('analyst@lantern.invalid');
    const analysed = await analyst.get(`/intelligence/hotspots/cells/${cells[1]}`);
    expect(analysed.statusCode).toBe(200);
    expect(textOf(analysed.body)).toContain('Park by Example Lane');
    expect(textOf(analysed.body)).not.toContain('Pagetest');
    expect(textOf(analysed.body)).toContain('None of these records is about a child you may open');
    const map = await analyst.get('/intelligence/hotspots');
    expect(map.body).not.toContain('Hiddenname');
    expect(map.body).not.toContain('Pagetest');
    expect((await analyst.get('/intelligence/hotspots/cells/not-a-cell')).statusCode).toBe(404);
  });

  it('re-shows the filters with a message when a date is not real, and hides the page from others', async () => {
    const b = new Browser(t.app);
    await b.signIn('social.mash@lantern.invalid');
    const bad = await b.get(
      '/intelligence/hotspots?from-day=31&from-month=2&from-year=2026&time=between&fromHour=25',
    );
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('There is a problem');
    expect(textOf(bad.body)).toContain('Enter the first date as a real date');
    expect(textOf(bad.body)).toContain('Enter the first hour as a number from 0 to 23');
    expect(bad.body).toContain('value="31"');
    const hotel = new Browser(t.app);
    await hotel.signIn('hotel.admin@lantern.invalid');
    expect((await hotel.get('/intelligence/hotspots')).statusCode).toBe(404);
  });

  it('finds hotspots in the demo records: places clustered so some hexagons hold many episodes', async () => {
    await seedDemoRecords(t.services.withTransaction, t.clock);
    const police = await contextFor(t, 'police.mash@lantern.invalid');
    const answer = await t.services.hotspots.hexagons(police, { resolution: 8 });
    expect(answer.hexagons.length).toBeGreaterThan(10);
    expect(answer.hexagons[0]?.total).toBeGreaterThan(30);
    expect(answer.hexagons[0]?.areaName).toBe('Leeds');
    expect(answer.hexagons.some((h) => (h.byKind?.found ?? 0) > 0)).toBe(true);
  }, 120_000);
});
