import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoRecords } from '../../src/synth/demo-records';
import { DEMO_PASSWORD } from '../support/app';
import { type BrowserHarness, expectAccessible, signIn, startBrowserHarness } from '../support/browser';
import { contextFor } from '../support/contexts';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
  h.clock.set('2026-03-02T09:00:00Z');
  await seedDemoRecords(h.services.withTransaction, h.clock);
}, 120_000);
afterAll(async () => {
  await h?.shutdown();
});

describe('SSDA903, care episodes and Annex A', () => {
  it('the check page, the care episodes page with an error, and Annex A pass axe', async () => {
    const social = await contextFor(h, 'social.mash@lantern.invalid');
    const childId = await h.services.children.create(social, {
      givenName: 'Example',
      familyName: 'Browserton',
      dateOfBirth: '2012-04-05',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    const page = await h.newPage();
    await signIn(page, 'missing.lead@lantern.invalid', DEMO_PASSWORD);

    await page.goto('/reports/ssda903?year=2026');
    expect(await page.locator('h1').textContent()).toContain('SSDA903 return');
    expect(await page.getByRole('link', { name: 'Missing table, 2026 (CSV)' }).count()).toBe(1);
    await expectAccessible(page, 'the SSDA903 check');

    await page.goto(`/children/${childId}/care-episodes`);
    await expectAccessible(page, 'care episodes, none yet');
    await page.getByRole('group', { name: 'Start date (DECOM)' }).getByLabel('Day').fill('1');
    await page.getByRole('group', { name: 'Start date (DECOM)' }).getByLabel('Month').fill('9');
    await page.getByRole('group', { name: 'Start date (DECOM)' }).getByLabel('Year').fill('2025');
    await page.getByLabel('Reason for new episode (RNE)').selectOption('S');
    await page.getByRole('button', { name: 'Save care episode' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Choose the legal status (LS)',
    );
    await expectAccessible(page, 'care episodes with an error');
    await page.getByLabel('Legal status (LS)').selectOption('C2');
    await page.getByLabel('Category of need (CIN)').selectOption('N1');
    await page.getByRole('button', { name: 'Save care episode' }).click();
    expect(await page.locator('main table').textContent()).toContain('2025-09-01');
    await expectAccessible(page, 'care episodes with one');

    await page.goto('/reports/annex-a');
    // One page of children at a time, in the order of their ids.
    expect(await page.locator('main tbody tr').count()).toBe(50);
    await expectAccessible(page, 'Annex A');
  }, 120_000);
});
