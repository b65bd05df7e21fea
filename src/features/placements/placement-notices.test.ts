import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { agency } from '../../platform/agencies/tables';
import { alert } from '../alerts/tables';
import { placement } from './tables';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-09-01T09:00:00Z');
});
afterAll(async () => {
  await t.close();
});

const told = (kind: 'placement-started' | 'placement-ended', placementId: string) =>
  t.services.withTransaction((tx) =>
    tx
      .select({ name: agency.name })
      .from(alert)
      .innerJoin(agency, eq(agency.id, alert.agencyId))
      .where(and(eq(alert.kind, kind), eq(alert.subjectId, placementId))),
  );

describe('placement notices', () => {
  it('tell the host authority and host force when a placement starts and ends, with the profile to hand', async () => {
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const childId = await t.services.children.create(social, {
      givenName: 'Notified',
      familyName: 'Testchild',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    const placementId = await t.services.placements.place(social, childId, {
      postcode: 'YO1 7HH',
      placementType: 'U1',
      provider: 'PR1',
      placingAuthorityCode: 'E08000035',
      hostAuthorityCode: 'E06000065',
      startDate: '2026-08-20',
    });
    expect((await told('placement-started', placementId)).map((a) => a.name).sort()).toEqual([
      'North Yorkshire Council Children’s Services',
      'North Yorkshire Police',
    ]);
    // The host police open the alert and find the Philomena profile sheet.
    const police = new Browser(t.app);
    await police.signIn('neighbour.police@lantern.invalid');
    const inbox = await police.get('/alerts');
    expect(inbox.body).toContain(`/children/${childId}/profile/print`);
    expect((await police.get(`/children/${childId}/profile/print`)).statusCode).toBe(200);

    const b = new Browser(t.app);
    await b.signIn('social.mash@lantern.invalid');
    await b.get(`/children/${childId}/placements/${placementId}/end`);
    const early = await b.post(`/children/${childId}/placements/${placementId}/end`, {
      'end-day': '1',
      'end-month': '8',
      'end-year': '2026',
    });
    expect(early.statusCode).toBe(400);
    expect(early.body).toContain('The end must be on or after the start date');
    const ended = await b.post(`/children/${childId}/placements/${placementId}/end`, {
      'end-day': '31',
      'end-month': '8',
      'end-year': '2026',
    });
    expect(ended.statusCode).toBe(303);
    const [row] = await t.services.withTransaction((tx) =>
      tx.select().from(placement).where(eq(placement.id, placementId)),
    );
    expect(row?.endDate).toBe('2026-08-31');
    expect((await told('placement-ended', placementId)).map((a) => a.name).sort()).toEqual([
      'North Yorkshire Council Children’s Services',
      'North Yorkshire Police',
    ]);
  });
});
