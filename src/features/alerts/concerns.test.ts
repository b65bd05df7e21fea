import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { agency } from '../../platform/agencies/tables';
import { alert } from './tables';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('a children’s home raises a concern', () => {
  it('reaches the placing authority, the host authority and the host police, and refuses an empty concern', async () => {
    t.clock.set('2026-10-10T12:00:00Z');
    const hub = await contextFor(t, 'hub.admin@lantern.invalid');
    await t.services.homes.importRegister(
      hub,
      'urn,name,provider,address,postcode,local_authority,registered_places,status\nSC400001,Ash House,Brightwater Children’s Homes Ltd,1 Road,HG1 1AA,E06000065,3,active',
      true,
    );
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const childId = await t.services.children.create(social, {
      givenName: 'Concern',
      familyName: 'Raised',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    await t.services.placements.place(social, childId, {
      homeUrn: 'SC400001',
      placementType: 'K2',
      provider: 'PR4',
      placingAuthorityCode: 'E08000035',
      startDate: '2026-10-01',
    });

    const staff = new Browser(t.app);
    await staff.signIn('home.staff@lantern.invalid');
    expect((await staff.get(`/children/${childId}`)).body).toContain('Raise a concern');
    await staff.get(`/children/${childId}/concern`);
    const empty = await staff.post(`/children/${childId}/concern`, { details: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Say what has made you concerned');
    const sent = await staff.post(`/children/${childId}/concern`, {
      details: 'Picked up late at night by an adult in a car',
    });
    expect(sent.body).toContain('Concern sent');

    const alerted = await t.services.withTransaction((tx) =>
      tx
        .select({ name: agency.name, priority: alert.priority })
        .from(alert)
        .innerJoin(agency, eq(agency.id, alert.agencyId))
        .where(and(eq(alert.childId, childId), eq(alert.kind, 'concern-raised'))),
    );
    expect(alerted.map((a) => a.name).sort()).toEqual([
      'Leeds City Council Children’s Services',
      'North Yorkshire Council Children’s Services',
      'North Yorkshire Police',
    ]);
    expect(alerted.every((a) => a.priority === 'high')).toBe(true);

    // It is a child concern notice too, in the MASH queue of the area where the child lives.
    const northSocial = await contextFor(t, 'neighbour.social@lantern.invalid');
    const queued = await t.services.notices.queue(northSocial);
    expect(queued.rows.map((q) => q.notice.whatHappened)).toContain(
      'Picked up late at night by an adult in a car',
    );

    // The concern is on the child's chronology, for the host police as much as for the home.
    const police = new Browser(t.app);
    await police.signIn('neighbour.police@lantern.invalid');
    const record = await police.get(`/children/${childId}`);
    expect(record.statusCode).toBe(200);
    expect(record.body).toContain('Concern raised by Brightwater Children’s Homes Ltd');
    expect(record.body).toContain('Picked up late at night by an adult in a car');
  });
});
