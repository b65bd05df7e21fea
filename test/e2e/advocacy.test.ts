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

describe('independent advocacy for a care review', () => {
  it('is recorded from the child’s page, refuses a missing answer accessibly, and is updated as the meeting goes on', async () => {
    h.clock.set('2026-06-01T09:00:00Z');
    const childId = await h.services.children.create(await contextFor(h, 'social.mash@lantern.invalid'), {
      givenName: 'Robin',
      familyName: 'Advocatson',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    const page = await h.newPage();
    await signIn(page, 'social.mash@lantern.invalid', DEMO_PASSWORD);
    await page.goto(`/children/${childId}`);
    expect(await page.locator('#advocacy').textContent()).toContain(
      'No care review or placement planning meeting recorded',
    );
    await expectAccessible(page, 'child with no advocacy recorded');
    await page
      .locator('#advocacy')
      .getByRole('link', { name: /Record a meeting/ })
      .click();
    await expectAccessible(page, 'advocacy form');

    await page.getByLabel('Care review').check();
    const meeting = page.getByRole('group', { name: 'When is or was the meeting?' });
    await meeting.getByLabel('Day').fill('20');
    await meeting.getByLabel('Month', { exact: true }).fill('5');
    await meeting.getByLabel('Year').fill('2026');
    await page.getByRole('radio', { name: 'Yes' }).first().check();
    await page.getByRole('button', { name: 'Record the meeting' }).click();
    const summary = await page.locator('.govuk-error-summary').textContent();
    expect(summary).toContain('Enter the date advocacy was offered');
    expect(summary).toContain('Select what the child said to the offer');
    expect(await page.title()).toMatch(/^Error: /);
    await expectAccessible(page, 'advocacy form with errors');

    const offered = page.getByRole('group', { name: 'When was advocacy offered?' });
    await offered.getByLabel('Day').fill('6');
    await offered.getByLabel('Month', { exact: true }).fill('5');
    await offered.getByLabel('Year').fill('2026');
    await page.getByLabel('Who offered it?').fill('Ana Reyes, independent reviewing officer');
    await page.getByLabel('Not yet answered').check();
    await page.getByRole('button', { name: 'Record the meeting' }).click();
    expect(await page.locator('h1').textContent()).toBe('Advocacy for a meeting');
    expect(await page.locator('main').textContent()).toContain('Not yet answered');
    await expectAccessible(page, 'meeting recorded');

    await page.getByRole('button', { name: 'Update the meeting' }).click();
    await page.getByLabel('Accepted').check();
    await page.getByLabel('Advocate’s name').fill('Lee Harper');
    await page.getByLabel('Advocate’s organisation').fill('Speak Up Advocacy');
    await page
      .getByLabel('What did the child want said at the meeting?')
      .fill('I want to stay at my school.');
    await page
      .getByRole('group', { name: 'Were the child’s views heard at the meeting?' })
      .getByLabel('Yes')
      .check();
    await page.getByRole('button', { name: 'Save the changes' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Enter why you are changing what was recorded',
    );
    await expectAccessible(page, 'update form with errors');
    await page.getByLabel('Why are you changing what was recorded?').fill('The child said yes on the phone');
    await page.getByRole('button', { name: 'Save the changes' }).click();
    const changes = await page.locator('main table').textContent();
    expect(changes).toContain('The child said yes on the phone');
    expect(changes).toContain('Lee Harper');
    await expectAccessible(page, 'meeting with its changes');

    await page.getByRole('link', { name: 'Back' }).click();
    expect(await page.locator('main table').textContent()).toContain('Offered, accepted');
    await expectAccessible(page, 'child’s meetings');
    await page.getByRole('link', { name: 'Back' }).click();
    expect(await page.locator('#advocacy').textContent()).toContain(
      '1 recorded: advocacy offered for 1, accepted for 1',
    );
  });
});
