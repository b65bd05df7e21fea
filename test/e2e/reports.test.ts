import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../support/app';
import { type BrowserHarness, expectAccessible, signIn, startBrowserHarness } from '../support/browser';
import { contextFor } from '../support/contexts';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

describe('reports', () => {
  it('the dashboard, the annual report with its charts and tables, and its filter with an error', async () => {
    h.clock.set('2026-07-02T10:00:00Z');
    const social = await contextFor(h, 'social.mash@lantern.invalid');
    for (const givenName of ['Report', 'Figure', 'Chart']) {
      const childId = await h.services.children.create(social, {
        givenName,
        familyName: 'Example',
        lookedAfter: true,
        responsibleAuthorityCode: 'E08000035',
      });
      await h.services.episodes.report(social, childId, {
        kind: 'missing',
        startedAt: new Date('2026-07-01T21:00:00Z'),
        policeForceCode: 'E23000010',
      });
    }

    const page = await h.newPage();
    await signIn(page, 'missing.lead@lantern.invalid', DEMO_PASSWORD);
    await page.goto('/');
    await page.getByRole('link', { name: 'Reports' }).first().click();
    expect(await page.locator('h1').textContent()).toContain('Reports');
    await expectAccessible(page, 'reports index');

    await page.getByRole('link', { name: 'Dashboard' }).click();
    expect(await page.locator('[data-card="high-risk"]').textContent()).toContain(
      'Children at high risk now',
    );
    expect(await page.locator('[data-grades]').textContent()).toContain('Not yet graded');
    await expectAccessible(page, 'dashboard');

    await page.goto('/reports/annual');
    expect(await page.locator('h1').textContent()).toContain('Annual missing report');
    expect(await page.locator('svg[role="img"]').count()).toBeGreaterThanOrEqual(12);
    expect(await page.locator('[data-section="totals"] table').textContent()).toContain('All episodes');
    await expectAccessible(page, 'annual report');

    await page.getByRole('group', { name: 'First date' }).getByLabel('Day').fill('31');
    await page.getByRole('group', { name: 'First date' }).getByLabel('Month').fill('2');
    await page.getByRole('group', { name: 'First date' }).getByLabel('Year').fill('2026');
    await page.getByRole('button', { name: 'Show the report' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Enter the first date as a real date',
    );
    expect(await page.title()).toMatch(/^Error: /);
    await expectAccessible(page, 'annual report filter with an error');
  });
});
