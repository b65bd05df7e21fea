import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { startPostcodePeer } from '../../../test/support/postcode-peer';
import { child } from '../../platform/access/tables';
import { episode } from '../episodes/tables';
import { placement } from '../placements/tables';
import { location } from './tables';

let t: TestApp;
let peer: Awaited<ReturnType<typeof startPostcodePeer>>;
const practitioner = 'social.mash@lantern.invalid';

beforeAll(async () => {
  peer = await startPostcodePeer({
    'LS9 8AA': { latitude: 53.7966, longitude: -1.5086, admin_district: 'E08000035' },
    // Scarborough: North Yorkshire, about 60 miles from Leeds.
    'YO11 1AA': { latitude: 54.2798, longitude: -0.4045, admin_district: 'E06000065' },
  });
  t = await buildTestApp({ postcodeLookupUrl: peer.url });
  t.clock.set('2026-05-01T09:00:00Z');
});
afterAll(async () => {
  await t.close();
  await peer.close();
});

async function newChild(extra: Record<string, unknown> = {}) {
  return t.services.children.create(await contextFor(t, practitioner), {
    givenName: 'Located',
    familyName: 'Testchild',
    lookedAfter: true,
    responsibleAuthorityCode: 'E08000035',
    ...extra,
  });
}
const homeOf = async (id: string) => {
  const [row] = await t.services.withTransaction((tx) => tx.select().from(child).where(eq(child.id, id)));
  return row;
};

describe('locations through the postcode lookup', () => {
  it('finds the position of a child’s home from its postcode; coordinates the user gives come first', async () => {
    const looked = await newChild({ homePostcode: 'ls98aa' });
    expect(await homeOf(looked)).toMatchObject({
      homePostcode: 'LS9 8AA',
      homeLatitude: 53.7966,
      homeLongitude: -1.5086,
    });
    const given = await newChild({ homePostcode: 'LS9 8AA', homeLatitude: 53.8, homeLongitude: -1.6 });
    expect(await homeOf(given)).toMatchObject({ homeLatitude: 53.8, homeLongitude: -1.6 });
    const unknown = await newChild({ homePostcode: 'LS9 9ZZ' });
    expect(await homeOf(unknown)).toMatchObject({ homePostcode: 'LS9 9ZZ', homeLatitude: null });
  });

  it('pre-fills the host authority and position of a placement, and measures the distance from home', async () => {
    const id = await newChild({ homePostcode: 'LS9 8AA' });
    const b = new Browser(t.app);
    await b.signIn(practitioner);
    await b.get(`/children/${id}/placements/new`);
    const found = await b.post(`/children/${id}/placements/new`, { postcode: 'yo11 1aa', action: 'lookup' });
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain('YO11 1AA is in North Yorkshire');
    expect(found.body).toMatch(/<option value="E06000065" selected>/);
    expect(found.body).toContain('value="54.2798"');

    const unknown = await b.post(`/children/${id}/placements/new`, {
      postcode: 'YO11 9ZZ',
      action: 'lookup',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('Lantern could not find that postcode');

    await t.services.placements.place(await contextFor(t, practitioner), id, {
      postcode: 'YO11 1AA',
      placementType: 'U1',
      provider: 'PR1',
      placingAuthorityCode: 'E08000035',
      hostAuthorityCode: 'E06000065',
      startDate: '2026-04-20',
    });
    const [p] = await t.services.withTransaction((tx) =>
      tx.select().from(placement).where(eq(placement.childId, id)),
    );
    expect(p?.latitude).toBe(54.2798);
    expect(p?.distanceFromHomeMiles).toBeGreaterThan(55);
    expect(p?.distanceFromHomeMiles).toBeLessThan(65);
  });

  it('still records a placement, without a position, when the lookup service is down', async () => {
    const id = await newChild({ homePostcode: 'LS9 8AA' });
    peer.state.fail = true;
    try {
      await t.services.placements.place(await contextFor(t, practitioner), id, {
        postcode: 'YO11 1AA',
        placementType: 'U1',
        provider: 'PR1',
        placingAuthorityCode: 'E08000035',
        hostAuthorityCode: 'E06000065',
        startDate: '2026-04-20',
      });
    } finally {
      peer.state.fail = false;
    }
    const [p] = await t.services.withTransaction((tx) =>
      tx.select().from(placement).where(eq(placement.childId, id)),
    );
    expect(p).toMatchObject({ postcode: 'YO11 1AA', latitude: null, distanceFromHomeMiles: null });
  });

  it('records where a child was last seen and where they were found as locations, with positions', async () => {
    const id = await newChild();
    const ctx = await contextFor(t, practitioner);
    t.clock.set('2026-05-02T09:00:00Z');
    const episodeId = await t.services.episodes.report(ctx, id, {
      kind: 'missing',
      startedAt: new Date('2026-05-01T21:00:00Z'),
      lastSeenLocation: 'Corner shop on Harehills Lane',
      lastSeenPostcode: 'ls9 8aa',
      policeForceCode: 'E23000010',
    });
    await expect(
      t.services.episodes.report(ctx, id, {
        kind: 'missing',
        startedAt: new Date('2026-05-01T21:00:00Z'),
        lastSeenPostcode: 'not a postcode',
        policeForceCode: 'E23000010',
      }),
    ).rejects.toThrow();
    t.clock.set('2026-05-03T09:00:00Z');
    await t.services.episodes.close(ctx, episodeId, {
      endedAt: new Date('2026-05-02T23:00:00Z'),
      foundLocation: 'Seafront arcade',
      foundPostcode: 'YO11 1AA',
    });
    const [e] = await t.services.withTransaction((tx) =>
      tx.select().from(episode).where(eq(episode.id, episodeId)),
    );
    expect(e?.lastSeenPostcode).toBe('LS9 8AA');
    const [seen] = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(location)
        .where(eq(location.id, e?.lastSeenLocationId ?? '')),
    );
    expect(seen).toMatchObject({
      name: 'Corner shop on Harehills Lane',
      postcode: 'LS9 8AA',
      latitude: 53.7966,
    });
    const [foundAt] = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(location)
        .where(eq(location.id, e?.foundLocationId ?? '')),
    );
    expect(foundAt).toMatchObject({
      name: 'Seafront arcade',
      localAuthorityCode: 'E06000065',
      latitude: 54.2798,
    });
  });
});
