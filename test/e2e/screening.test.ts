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

describe('a CSE risk screening', () => {
  it('is pre-filled, refuses a missing review date accessibly, and shows the level on the child’s risk panel', async () => {
    h.clock.set('2026-06-01T09:00:00Z');
    const childId = await h.services.children.create(await contextFor(h, 'social.mash@lantern.invalid'), {
      givenName: 'Casey',
      familyName: 'Screenington',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    const page = await h.newPage();
    await signIn(page, 'social.mash@lantern.invalid', DEMO_PASSWORD);
    await page.goto(`/children/${childId}`);
    await expectAccessible(page, 'child with an empty risk panel');
    await page.getByRole('link', { name: 'Screen now' }).click();
    await expectAccessible(page, 'screening form');
    expect(
      await page
        .getByRole('group', { name: 'In care or placed out of area' })
        .getByLabel('Current')
        .isChecked(),
    ).toBe(true);
    await page
      .getByRole('group', { name: 'Picked up in cars by unknown adults' })
      .getByLabel('Current')
      .check();
    await page.getByRole('button', { name: 'Save the screening' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Enter the date of the next review',
    );
    await expectAccessible(page, 'screening form with errors');
    const review = page.getByRole('group', { name: 'When should the screening next be reviewed?' });
    await review.getByLabel('Day').fill('1');
    await review.getByLabel('Month', { exact: true }).fill('9');
    await review.getByLabel('Year').fill('2026');
    await page.getByRole('button', { name: 'Save the screening' }).click();
    expect(await page.locator('h1').textContent()).toBe('CSE risk screening: Mild');
    await expectAccessible(page, 'screening result');
    await page.getByRole('link', { name: 'Back' }).click();
    expect(await page.locator('#risk').textContent()).toContain('Mild (score 6)');
    await expectAccessible(page, 'child with a screening');
    await page.getByRole('link', { name: /The full multi-agency chronology/ }).click();
    await page.getByRole('button', { name: 'Add the note' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Enter the note');
    await expectAccessible(page, 'chronology with errors');
    await page.getByLabel('Add a case note').fill('Talked to Casey about the screening');
    await page.getByRole('button', { name: 'Add the note' }).click();
    expect(await page.locator('main table').textContent()).toContain('Talked to Casey about the screening');
    await expectAccessible(page, 'chronology with a case note');
  });
});
