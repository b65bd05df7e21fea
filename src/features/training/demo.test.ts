import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { seedDemoRecords } from '../../synth/demo-records';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  await seedDemoRecords(t.services.withTransaction, t.clock, { children: 6, episodes: 12, homes: 3 });
});
afterAll(async () => {
  await t.close();
});

describe('the demo’s training', () => {
  it('gives the hotel, the homes and the force staff with some trained, some due and a leaver', async () => {
    const hotel = await t.services.training.organisation(await contextFor(t, 'hotel.admin@lantern.invalid'));
    expect(hotel.share.staff).toBe(4);
    expect(hotel.share.trained).toBeGreaterThan(0);
    expect(hotel.share.trained).toBeLessThan(hotel.share.staff);
    expect(hotel.renewals.length).toBeGreaterThan(0);
    expect(hotel.staff.filter((s) => !s.current)).toHaveLength(1);
    const area = await t.services.training.area(await contextFor(t, 'social.mash@lantern.invalid'));
    expect(area?.homes.length).toBeGreaterThan(0);
    expect(area?.homes.every((h) => h.percent !== null && h.percent < 100)).toBe(true);
    const police = await t.services.training.organisation(
      await contextFor(t, 'agency.admin@lantern.invalid'),
    );
    expect(police.share.staff).toBe(3);
  });
});
