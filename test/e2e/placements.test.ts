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

describe('recording a child and a placement', () => {
  it('records a child and places them with carers out of area, with errors shown accessibly', async () => {
    const page = await h.newPage();
    await signIn(page, 'social.mash@lantern.invalid', DEMO_PASSWORD);
    await page.goto('/children/new');
    await expectAccessible(page, 'record a child');
    await page.getByRole('button', { name: 'Save child' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Enter the child’s first name',
    );
    await expectAccessible(page, 'record a child with errors');
    await page.getByLabel('First name').fill('Robin');
    await page.getByLabel('Last name').fill('Placementon');
    await page
      .getByRole('group', { name: 'Is the child looked after by a local authority?' })
      .getByLabel('Yes')
      .check();
    await page
      .getByLabel('Responsible (placing) authority, if looked after')
      .selectOption({ label: 'Leeds' });
    await page.getByRole('button', { name: 'Save child' }).click();
    expect(await page.locator('h1').textContent()).toBe('Robin Placementon');
    await expectAccessible(page, 'child record');

    await page.getByRole('link', { name: 'Record a placement' }).click();
    await expectAccessible(page, 'record a placement');
    await page.getByRole('button', { name: 'Save placement' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Enter the start date as a real date',
    );
    await expectAccessible(page, 'record a placement with errors');
    await page.getByLabel('Postcode of the placement (if not a registered home)').fill('YO1 7HH');
    await page
      .getByLabel('Authority where the child is placed (if not a registered home)')
      .selectOption({ label: 'North Yorkshire' });
    await page.getByLabel('Placement type (SSDA903)').selectOption('U1');
    await page.getByLabel('Provider').selectOption('PR1');
    await page.getByLabel('Day').fill('1');
    await page.getByLabel('Month').fill('3');
    await page.getByLabel('Year').fill('2026');
    await page.getByRole('button', { name: 'Save placement' }).click();
    expect(await page.locator('main').textContent()).toContain('Out of area');
    await expectAccessible(page, 'child record with placement');

    const york = await contextFor(h, 'neighbour.social@lantern.invalid');
    const found = await h.services.children.search(york, { name: 'Robin Placementon' });
    expect(found.map((f) => f.child.familyName)).toEqual(['Placementon']);
  });
});
