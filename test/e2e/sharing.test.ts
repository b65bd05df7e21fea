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

describe('sharing and break-glass', () => {
  it('shares a record for a time, uses break-glass with a reason, and reviews it, all accessibly', async () => {
    h.clock.set('2026-09-01T09:00:00Z');
    const childId = await h.services.children.create(await contextFor(h, 'social.mash@lantern.invalid'), {
      givenName: 'Glass',
      familyName: 'Sharington',
      lookedAfter: false,
      policePersonId: 'WYP-PERSON-7781',
    });
    const social = await h.newPage();
    await signIn(social, 'social.mash@lantern.invalid', DEMO_PASSWORD);
    await social.goto(`/children/${childId}`);
    await social.getByRole('link', { name: 'Share this record with another agency' }).click();
    await expectAccessible(social, 'share form');
    await social.getByRole('button', { name: 'Share the record' }).click();
    expect(await social.locator('.govuk-error-summary').textContent()).toContain(
      'Select the agency to share with',
    );
    await expectAccessible(social, 'share form with errors');
    await social.getByLabel('Agency').selectOption({ label: 'Airedale Community Health Trust' });
    await social.getByLabel('Safeguarding of children').check();
    await social.getByLabel('Why is it shared?').fill('Health visitor needs the missing history');
    await social.getByLabel('Approved by').fill('Jo Example, team manager');
    await social.getByLabel('Day').fill('30');
    await social.getByLabel('Month').fill('9');
    await social.getByLabel('Year').fill('2026');
    await social.getByRole('button', { name: 'Share the record' }).click();
    expect(await social.locator('#who-can-see + table').textContent()).toContain(
      'Airedale Community Health Trust',
    );
    await expectAccessible(social, 'child with a share');

    const police = await h.newPage();
    await signIn(police, 'neighbour.police@lantern.invalid', DEMO_PASSWORD);
    await police.goto('/break-glass');
    await expectAccessible(police, 'break-glass form');
    await police.getByRole('button', { name: 'See the child’s record' }).click();
    expect(await police.locator('.govuk-error-summary').textContent()).toContain('Enter an identifier');
    await expectAccessible(police, 'break-glass with errors');
    await police.getByLabel('An identifier of the child').fill('WYP-PERSON-7781');
    await police
      .getByLabel('Why do you need to see this child now?')
      .fill('Found alone at Scarborough station at 1am');
    await police.getByRole('button', { name: 'See the child’s record' }).click();
    expect(await police.locator('h1').textContent()).toBe('Glass Sharington');
    expect(await police.locator('#who-can-see + table').textContent()).toContain('Break-glass');

    const admin = await h.newPage();
    await signIn(admin, 'hub.admin@lantern.invalid', DEMO_PASSWORD);
    await admin.goto('/break-glass/review');
    await expectAccessible(admin, 'break-glass review (another agency has none)');
  });
});
