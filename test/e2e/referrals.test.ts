import type { Page } from 'playwright-core';
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

const errorSummary = (page: Page) => page.locator('.govuk-error-summary').textContent();

describe('a joint referral', () => {
  it('police raise a notice of sexual exploitation; police and social care assess it, decide a strategy discussion together, and record it with actions', async () => {
    h.clock.set('2026-10-05T08:00:00Z');
    const childId = await h.services.children.create(await contextFor(h, 'social.mash@lantern.invalid'), {
      givenName: 'Jordan',
      familyName: 'Referralson',
      dateOfBirth: '2012-06-01',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    // The police officer's agency learns of the child through an episode in its area.
    await h.services.episodes.report(await contextFor(h, 'social.mash@lantern.invalid'), childId, {
      kind: 'missing',
      startedAt: new Date('2026-10-04T20:00:00Z'),
      policeForceCode: 'E23000010',
    });

    const police = await h.newPage();
    await signIn(police, 'police.mash@lantern.invalid', DEMO_PASSWORD);
    await police.goto(`/children/${childId}`);
    await police.getByRole('link', { name: 'Raise a child concern notice' }).click();
    await expectAccessible(police, 'raise a notice');
    await police.getByRole('button', { name: 'Send the notice' }).click();
    expect(await errorSummary(police)).toContain('Select at least one category');
    await expectAccessible(police, 'raise a notice with errors');
    await police.getByLabel('Sexual exploitation').check();
    await police
      .getByLabel('What happened?')
      .fill('Seen at 1am getting into a car with two adult men near the bus station');
    await police.getByLabel('Where did the information come from?').fill('Police patrol');
    await police.getByRole('button', { name: 'Send the notice' }).click();
    expect(await police.locator('.govuk-panel__title').textContent()).toContain('Notice sent');
    await expectAccessible(police, 'notice sent');
    const noticeUrl = new URL(police.url()).pathname;

    // It is in the MASH queue of the child's area.
    await police.getByRole('link', { name: 'MASH', exact: true }).click();
    await expectAccessible(police, 'MASH queue');
    await police.getByRole('link', { name: 'Jordan Referralson' }).click();
    expect(new URL(police.url()).pathname).toBe(noticeUrl);
    await police.getByRole('button', { name: 'Add the information' }).click();
    expect(await errorSummary(police)).toContain('Enter what your agency knows');
    await expectAccessible(police, 'notice with an error');
    await police.getByLabel('Add what your agency knows').fill('The car is linked to two earlier reports');
    await police.getByRole('button', { name: 'Add the information' }).click();
    await police.getByLabel('Red').check();
    await police.getByRole('button', { name: 'Set the priority' }).click();
    await police.getByLabel('Strategy discussion').check();
    await police.getByLabel('Reasons').fill('Risk of sexual exploitation; adults known to police');
    await police.getByRole('button', { name: 'Propose the decision' }).click();
    expect(await police.locator('main').textContent()).toContain(
      'Proposed decision, waiting for confirmation',
    );
    expect(await police.getByRole('button', { name: 'Confirm the decision for your agency' }).count()).toBe(
      0,
    );
    await expectAccessible(police, 'decision proposed');

    const social = await h.newPage();
    await signIn(social, 'social.mash@lantern.invalid', DEMO_PASSWORD);
    await social.goto('/mash');
    await social.getByRole('link', { name: 'Jordan Referralson' }).click();
    await social
      .getByLabel('Add what your agency knows')
      .fill('Looked after; two missing episodes this month');
    await social.getByRole('button', { name: 'Add the information' }).click();
    await social.getByRole('button', { name: 'Confirm the decision for your agency' }).click();
    expect(await social.locator('main').textContent()).toContain('Final decision');
    await expectAccessible(social, 'decision final');

    await social.getByRole('button', { name: 'Schedule the strategy discussion' }).click();
    await expectAccessible(social, 'schedule a discussion');
    await social.getByRole('button', { name: 'Schedule the discussion' }).click();
    expect(await errorSummary(social)).toContain('Invite at least two agencies');
    await expectAccessible(social, 'schedule a discussion with errors');
    await social.getByLabel('Day').fill('5');
    await social.getByLabel('Month').fill('10');
    await social.getByLabel('Year').fill('2026');
    await social.getByLabel('Hour').fill('9');
    await social.getByLabel('Minute').fill('10');
    await social.getByLabel('Where or how will it meet?').fill('MASH meeting room 2');
    await social.getByLabel('West Yorkshire Police').check();
    await social.getByLabel('Leeds City Council Children’s Services').check();
    await social.getByLabel('Airedale Community Health Trust').check();
    await social.getByRole('button', { name: 'Schedule the discussion' }).click();
    expect(await social.locator('h1').textContent()).toBe('Strategy discussion');
    await expectAccessible(social, 'discussion scheduled');

    // Twenty minutes on (sessions end after thirty idle minutes), the discussion has been held.
    h.clock.set('2026-10-05T08:25:00Z');
    await social.getByRole('button', { name: 'Save the record' }).click();
    expect(await errorSummary(social)).toContain('Enter the information shared');
    await expectAccessible(social, 'record the discussion with errors');
    await social.getByLabel('Day').first().fill('5');
    await social.getByLabel('Month').first().fill('10');
    await social.getByLabel('Year').first().fill('2026');
    await social.getByLabel('Hour').fill('9');
    await social.getByLabel('Minute').fill('12');
    await social.getByLabel('West Yorkshire Police').check();
    await social.getByLabel('Leeds City Council Children’s Services').check();
    await social
      .getByLabel('Information shared')
      .fill('Police intelligence on the car; school attendance falling');
    await social.getByLabel('Decisions').fill('Section 47 enquiry; disruption of the adults');
    await social.getByRole('button', { name: 'Save the record' }).click();
    expect(await social.locator('main').textContent()).toContain('(did not attend)');

    await social.getByRole('button', { name: 'Add the action' }).click();
    expect(await errorSummary(social)).toContain('Describe the action');
    await expectAccessible(social, 'add an action with errors');
    await social.getByLabel('Action', { exact: true }).fill('Visit the address linked to the car');
    await social.getByLabel('Agency that owns it').selectOption({ label: 'West Yorkshire Police' });
    await social.getByLabel('Name of the person who owns it').fill('DC Example');
    await social.getByLabel('Day').fill('13');
    await social.getByLabel('Month').fill('10');
    await social.getByLabel('Year').fill('2026');
    await social.getByRole('button', { name: 'Add the action' }).click();
    const actions = await social.locator('#actions + table').textContent();
    expect(actions).toContain('Visit the address linked to the car');
    expect(actions).toContain('DC Example, West Yorkshire Police');
    await expectAccessible(social, 'discussion with an action');
  }, 240_000);
});
