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

describe('a justice case', () => {
  it('moves from investigating to no further action, its support review reaches the child’s worker, and contacts are recorded', async () => {
    h.clock.set('2026-06-01T09:00:00Z');
    const social = await contextFor(h, 'social.mash@lantern.invalid');
    const childId = await h.services.children.create(social, {
      givenName: 'Robin',
      familyName: 'Courtside',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    await h.services.episodes.report(social, childId, {
      kind: 'missing',
      startedAt: new Date('2026-05-20T20:00:00Z'),
      policeForceCode: 'E23000010',
    });
    // The missing lead holds the child's case for Leeds.
    await h.services.allocation.take(await contextFor(h, 'missing.lead@lantern.invalid'), 'child', childId);

    const officer = await h.newPage();
    await signIn(officer, 'police.mash@lantern.invalid', DEMO_PASSWORD);
    await officer.goto(`/children/${childId}`);
    await officer.getByRole('link', { name: 'See the justice cases' }).click();
    await expectAccessible(officer, 'a child with no justice case');
    await officer.getByRole('button', { name: 'Add a justice case' }).click();
    await expectAccessible(officer, 'new justice case form');
    await officer.getByLabel('Crime reference').fill('13/424242/26');
    await officer.getByRole('button', { name: 'Add the case' }).click();
    const summary = await officer.locator('.govuk-error-summary').textContent();
    expect(summary).toContain('Select where the case stands');
    expect(summary).toContain('Enter the date the case reached this stage');
    expect(await officer.title()).toMatch(/^Error: /);
    await expectAccessible(officer, 'new justice case form with errors');
    await officer.getByLabel('Investigating').check();
    const since = officer.getByRole('group', { name: 'Since when?' });
    await since.getByLabel('Day').fill('25');
    await since.getByLabel('Month').fill('5');
    await since.getByLabel('Year').fill('2026');
    await officer.getByLabel('Supporter’s name (optional)').fill('Alex Example');
    await officer.getByRole('button', { name: 'Add the case' }).click();
    expect(await officer.locator('h1').textContent()).toBe('Justice case 13/424242/26');
    await expectAccessible(officer, 'justice case, investigating');

    await officer.getByRole('button', { name: 'Change the status' }).click();
    await expectAccessible(officer, 'status form');
    await officer.getByLabel('No further action').check();
    const when = officer.getByRole('group', { name: 'Since when?' });
    await when.getByLabel('Day').fill('31');
    await when.getByLabel('Month').fill('5');
    await when.getByLabel('Year').fill('2026');
    await officer.getByLabel('Note (optional)').fill('Not enough evidence to charge');
    await officer.getByRole('button', { name: 'Save the status' }).click();
    const page = await officer.locator('main').textContent();
    expect(page).toContain('No further action');
    expect(await officer.locator('#history ~ .moj-timeline').textContent()).toContain('Investigating');
    await expectAccessible(officer, 'justice case after no further action');

    // The support review is in the missing lead's work.
    const lead = await h.newPage();
    await signIn(lead, 'missing.lead@lantern.invalid', DEMO_PASSWORD);
    await lead.goto('/work');
    expect(await lead.locator('main table').textContent()).toContain('Support review: Robin Courtside');
    await expectAccessible(lead, 'my work with a support review');
    await lead.getByRole('link', { name: /Support review: Robin Courtside/ }).click();
    await expectAccessible(lead, 'support review form');
    await lead.getByLabel('Support ended').check();
    await lead.getByRole('button', { name: 'Complete the review' }).click();
    expect(await lead.locator('.govuk-error-summary').textContent()).toContain('Enter why support has ended');
    await expectAccessible(lead, 'support review with an error');
    await lead.getByLabel('Support continues').check();
    await lead.getByLabel('Note').fill('Robin wants to keep seeing the adviser after the decision');
    await lead.getByRole('button', { name: 'Complete the review' }).click();
    expect(await lead.locator('main').textContent()).toContain('Support continues');
    await expectAccessible(lead, 'completed support review');

    // Contacts with the child and the family after the decision.
    await lead.getByRole('link', { name: 'Back to the case' }).click();
    for (const [day, who, how] of [
      ['1', 'The child', 'In person'],
      ['1', 'The family', 'Phone'],
    ] as const) {
      await lead.getByRole('link', { name: 'Record a contact' }).first().click();
      const at = lead.getByRole('group', { name: 'When was the contact?' });
      await at.getByLabel('Day').fill(day);
      await at.getByLabel('Month').fill('6');
      await at.getByLabel('Year').fill('2026');
      await at.getByLabel('Hour').fill('8');
      await at.getByLabel('Minute').fill('30');
      await lead.getByLabel(who, { exact: true }).check();
      await lead.getByLabel('After court').check();
      await lead.getByLabel(how).check();
      await lead.getByRole('button', { name: 'Record the contact' }).click();
    }
    const contacts = await lead.locator('#contacts + table').textContent();
    expect(contacts).toContain('The child');
    expect(contacts).toContain('The family');
    await expectAccessible(lead, 'justice case with contacts');

    await lead.getByRole('link', { name: 'Record a contact' }).first().click();
    await lead.getByRole('button', { name: 'Record the contact' }).click();
    expect(await lead.locator('.govuk-error-summary').textContent()).toContain(
      'Select who the contact was with',
    );
    await expectAccessible(lead, 'contact form with errors');

    // The open cases across the lead's children; the ended case is not among them.
    await lead.getByRole('link', { name: 'Justice cases', exact: true }).first().click();
    await lead.waitForURL('**/justice-cases');
    expect(await lead.locator('h1').textContent()).toBe('Open justice cases');
    await expectAccessible(lead, 'open justice cases');
    await lead.getByRole('link', { name: /Show only cases without contact/ }).click();
    await lead.waitForURL('**/justice-cases?show=without-contact');
    expect(await lead.locator('h1').textContent()).toBe('Justice cases without contact');
    await expectAccessible(lead, 'justice cases without contact');
  });
});
