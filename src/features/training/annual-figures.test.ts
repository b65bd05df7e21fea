import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, DEMO_PASSWORD, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { AnnualReportService } from '../reports/annual.service';
import { COURSE_GROOMING, COURSE_HOTEL, providerWithHome } from './training.fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('the annual report’s training section', () => {
  it('counts current staff trained in the authority’s homes and hotels at the period’s end', async () => {
    const { homeId, adminEmail } = await providerWithHome(
      t.services.withTransaction,
      t.clock.now(),
      DEMO_PASSWORD,
    );
    const provider = await contextFor(t, adminEmail);
    const hotel = await contextFor(t, 'hotel.admin@lantern.invalid');
    for (let i = 0; i < 4; i += 1) {
      const id = await t.services.training.addStaff(provider, {
        givenName: `Carer${i}`,
        familyName: 'Annual',
        sector: 'home_staff',
        homeId,
        startedOn: '2024-01-08',
      });
      // Three trained in January 2025, valid to January 2027; one trained only after the period.
      if (i < 3)
        await t.services.training.recordTraining(provider, id, {
          courseId: COURSE_GROOMING,
          completedOn: '2025-01-20',
        });
      else
        await t.services.training.recordTraining(provider, id, {
          courseId: COURSE_GROOMING,
          completedOn: '2026-02-01',
        });
    }
    const desk = await t.services.training.addStaff(hotel, {
      givenName: 'Desk',
      familyName: 'Annual',
      sector: 'hotel_or_venue',
      startedOn: '2024-05-01',
    });
    // Valid for 12 months from 1 February 2025: current at the end of 2025, expired by March 2026.
    await t.services.training.recordTraining(hotel, desk, {
      courseId: COURSE_HOTEL,
      completedOn: '2025-02-01',
    });

    const leeds = await contextFor(t, 'social.mash@lantern.invalid');
    const report = await new AnnualReportService(t.services.withTransaction).report(
      leeds,
      { type: 'authority', code: 'E08000035' },
      { from: '2025-01-01', to: '2025-12-31' },
    );
    const section = report.sections.find((s) => s.id === 'training');
    expect(section?.rows).toEqual([
      ['Children’s homes in the area', 4, 3, 75],
      ['Hotels and venues', 1, 1, 100],
    ]);
    const later = await new AnnualReportService(t.services.withTransaction).report(
      leeds,
      { type: 'authority', code: 'E08000035' },
      { from: '2025-03-01', to: '2026-03-01' },
    );
    expect(later.sections.find((s) => s.id === 'training')?.rows).toEqual([
      ['Children’s homes in the area', 4, 4, 100],
      ['Hotels and venues', 1, 0, 0],
    ]);
    const force = await new AnnualReportService(t.services.withTransaction).report(
      await contextFor(t, 'police.mash@lantern.invalid'),
      { type: 'force', code: 'E23000010' },
      { from: '2025-01-01', to: '2025-12-31' },
    );
    expect(force.sections.some((s) => s.id === 'training')).toBe(false);

    const b = new Browser(t.app);
    await b.signIn('social.mash@lantern.invalid');
    const page = await b.get(
      '/reports/annual?area=E08000035&from-day=1&from-month=1&from-year=2025&to-day=31&to-month=12&to-year=2025',
    );
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Training on the warning signs');
  });
});
