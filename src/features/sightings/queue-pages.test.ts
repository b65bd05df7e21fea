import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { PAGE_SIZE } from '../../platform/http/pagination';
import { sighting } from './tables';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('the sightings queue', () => {
  it('is oldest first, one page at a time, on the page and in the API', async () => {
    const hotel = await contextFor(t, 'hotel.admin@lantern.invalid');
    const { id: accessCodeId } = await t.services.sightings.issueCode(hotel, { label: 'Front desk' });
    const rows = Array.from({ length: 55 }, (_, i) => ({
      reference: `S-PAGE-${String(i).padStart(3, '0')}`,
      accessCodeId,
      agencyId: hotel.actor?.agencyId ?? '',
      areaAuthorityCode: 'E08000035',
      seenAt: new Date(Date.UTC(2026, 2, 1, 20, i)),
      place: 'Reception',
      whatSeen: 'Synthetic report for paging',
      createdAt: new Date(Date.UTC(2026, 2, 1, 21, i)),
    }));
    await t.services.withTransaction((tx) => tx.insert(sighting).values(rows));
    const mash = await contextFor(t, 'social.mash@lantern.invalid');
    const first = await t.services.sightings.queue(mash);
    expect(first.rows.map((r) => r.sighting.reference)).toEqual(
      rows.slice(0, PAGE_SIZE).map((r) => r.reference),
    );
    const second = await t.services.sightings.queue(mash, { after: first.next ?? '' });
    expect(second.rows.map((r) => r.sighting.reference)).toEqual(
      rows.slice(PAGE_SIZE).map((r) => r.reference),
    );
    expect(second.next).toBeNull();

    const { token } = await t.services.apiTokens.create(mash, 'pages');
    const api = (
      await t.app.inject({ url: '/api/v1/sightings', headers: { authorization: `Bearer ${token}` } })
    ).json();
    expect(api.sightings).toHaveLength(PAGE_SIZE);
    expect(api.next).toBe(first.next);
  });
});
