import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { alert } from '../alerts/tables';
import { milesBetween } from './distance';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

async function agencyId(name: string): Promise<string> {
  const [row] = await t.services.withTransaction((tx) =>
    tx.select({ id: agency.id }).from(agency).where(eq(agency.name, name)),
  );
  return row?.id ?? '';
}

describe('distance', () => {
  it('measures miles along the great circle', () => {
    // Leeds and York centres are about 22 miles apart.
    const miles = milesBetween({ lat: 53.8, lon: -1.549 }, { lat: 53.959, lon: -1.081 });
    expect(miles).toBeGreaterThan(20);
    expect(miles).toBeLessThan(24);
  });
});

describe('a child placed by one authority in another’s area', () => {
  it('notifies the placing authority, the host authority and the host force; an unrelated authority sees nothing', async () => {
    t.clock.set('2026-10-01T12:00:00Z');
    const leedsWorker = await contextFor(t, 'social.mash@lantern.invalid');
    const childId = await t.services.children.create(leedsWorker, {
      givenName: 'Placed',
      familyName: 'Faraway',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    await t.services.withTransaction((tx) =>
      tx.update(child).set({ homeLatitude: 53.8, homeLongitude: -1.549 }).where(eq(child.id, childId)),
    );
    const placementId = await t.services.placements.place(leedsWorker, childId, {
      postcode: 'YO1 7HH',
      latitude: 53.959,
      longitude: -1.081,
      placementType: 'K2',
      provider: 'PR4',
      placingAuthorityCode: 'E08000035',
      hostAuthorityCode: 'E06000065',
      startDate: '2026-09-01',
    });
    const current = await t.services.placements.currentFor(leedsWorker, childId);
    expect(current?.id).toBe(placementId);
    expect(current?.outOfArea).toBe(true);
    expect(current?.distanceFromHomeMiles).toBeGreaterThan(20);

    // The placing authority reports; the host authority and host force are told as well.
    await t.services.episodes.report(leedsWorker, childId, {
      kind: 'missing',
      startedAt: new Date('2026-10-01T10:00:00Z'),
      policeForceCode: 'E23000009',
    });
    const alerted = await t.services.withTransaction((tx) =>
      tx
        .select({ agencyId: alert.agencyId })
        .from(alert)
        .where(and(eq(alert.childId, childId), eq(alert.kind, 'episode-reported'))),
    );
    const names = new Set(alerted.map((a) => a.agencyId));
    for (const name of [
      'Leeds City Council Children’s Services',
      'North Yorkshire Council Children’s Services',
      'North Yorkshire Police',
    ]) {
      expect(names.has(await agencyId(name)), name).toBe(true);
    }
    const york = await contextFor(t, 'neighbour.social@lantern.invalid');
    expect((await t.services.children.get(york, childId)).familyName).toBe('Faraway');

    // An unrelated authority: 404, and absent from its lists and searches.
    const hub = await contextFor(t, 'hub.admin@lantern.invalid');
    const cId = await t.services.agencies.create(hub, {
      name: 'Middlesbrough Children’s Services',
      type: 'local_authority',
      localAuthorityCode: 'E06000002',
      policeForceCode: undefined,
    });
    await t.services.users.create(hub, {
      name: 'Unrelated Worker',
      email: 'unrelated@lantern.invalid',
      agencyId: cId,
      roles: ['social_care_mash_practitioner'],
      password: 'unrelated-password-1',
    });
    const outsider = new Browser(t.app);
    await outsider.signIn('unrelated@lantern.invalid', 'unrelated-password-1');
    expect((await outsider.get(`/children/${childId}`)).statusCode).toBe(404);
    expect((await outsider.get('/children')).body).not.toContain('Faraway');
    const search = await outsider.get('/children?name=Placed+Faraway');
    expect(search.body).not.toContain(childId);
    expect(search.body).toContain('No children match');
  });
});

describe('the placement form', () => {
  it('records a placement in a registered home by URN after showing errors, and shows it on the child’s record', async () => {
    t.clock.set('2026-10-05T12:00:00Z');
    const hub = await contextFor(t, 'hub.admin@lantern.invalid');
    await t.services.homes.importRegister(
      hub,
      'urn,name,provider,address,postcode,local_authority,registered_places,status\nSC300001,Birch House,Brightwater Children’s Homes Ltd,1 Road,HG1 1AA,E06000065,3,active',
      true,
    );
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const childId = await t.services.children.create(social, {
      givenName: 'Form',
      familyName: 'Placed',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    const browser = new Browser(t.app);
    await browser.signIn('social.mash@lantern.invalid');
    await browser.get(`/children/${childId}/placements/new`);
    const bad = await browser.post(`/children/${childId}/placements/new`, {
      homeUrn: 'SC999999',
      placementType: 'K2',
      placingAuthorityCode: 'E08000035',
      provider: 'PR4',
      'start-day': '1',
      'start-month': '10',
      'start-year': '2026',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('No home with that URN is on the register');
    const ok = await browser.post(`/children/${childId}/placements/new`, {
      homeUrn: 'sc300001',
      placementType: 'K2',
      placingAuthorityCode: 'E08000035',
      provider: 'PR4',
      'start-day': '1',
      'start-month': '10',
      'start-year': '2026',
    });
    expect(ok.statusCode).toBe(303);
    const page = await browser.get(`/children/${childId}`);
    expect(page.body).toContain('North Yorkshire (HG1 1AA)');
    expect(page.body).toContain('Out of area');
    // The home's provider can now see the child.
    const staff = await contextFor(t, 'home.staff@lantern.invalid');
    expect((await t.services.children.get(staff, childId)).familyName).toBe('Placed');
  });
});
