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

describe('a hotel reports a sighting', () => {
  it('issues a code, reports without an account, and the MASH keeps it as intelligence, all accessibly', async () => {
    h.clock.set('2026-08-01T22:00:00Z');
    const admin = await h.newPage();
    await signIn(admin, 'hotel.admin@lantern.invalid', DEMO_PASSWORD);
    await admin.getByRole('link', { name: 'Access codes' }).click();
    await admin.getByRole('button', { name: 'Issue a code' }).click();
    expect(await admin.locator('.govuk-error-summary').textContent()).toContain('Enter who the code is for');
    await expectAccessible(admin, 'access codes with errors');
    await admin.getByLabel('Who is the new code for?').fill('Night desk');
    await admin.getByRole('button', { name: 'Issue a code' }).click();
    const code = (await admin.locator('.lantern-code').textContent())?.trim() ?? '';
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await expectAccessible(admin, 'code issued');

    const staff = await h.newPage();
    await staff.goto('/report');
    await expectAccessible(staff, 'sighting form');
    await staff.getByLabel('Your organisation’s access code').fill('WRNG-CODE-0000');
    await staff.getByRole('button', { name: 'Send the report' }).click();
    expect(await staff.locator('.govuk-error-summary').textContent()).toContain('Say what you saw');
    await expectAccessible(staff, 'sighting form with errors');
    await staff.getByLabel('Your organisation’s access code').fill(code);
    await staff.getByLabel('Day').fill('1');
    await staff.getByLabel('Month').fill('8');
    await staff.getByLabel('Year').fill('2026');
    await staff.getByLabel('Hour').fill('22');
    await staff.getByLabel('Minute').fill('15');
    await staff.getByLabel('Where?').fill('Canal Street Hotel, car park');
    await staff
      .getByLabel('What did you see?')
      .fill('A girl of about 13 dropped off by two men in a silver car');
    await staff.getByLabel('Vehicle registrations (optional)').fill('AB12 CDE silver estate');
    await staff.getByRole('button', { name: 'Send the report' }).click();
    expect(await staff.locator('.govuk-panel__title').textContent()).toContain('Report sent');
    await expectAccessible(staff, 'sighting sent');

    const mash = await h.newPage();
    await signIn(mash, 'police.mash@lantern.invalid', DEMO_PASSWORD);
    await mash.goto('/mash/sightings');
    await expectAccessible(mash, 'sightings queue');
    await mash.locator('main table a').first().click();
    expect(await mash.locator('main').textContent()).toContain('AB12 CDE SILVER ESTATE');
    await expectAccessible(mash, 'a sighting');
    await mash.getByRole('button', { name: 'Keep as unmatched intelligence' }).click();
    expect(await mash.locator('main').textContent()).toContain('Kept as intelligence');
  });
});

describe('the subgroup', () => {
  it('the chair sets up the subgroup, builds an agenda and records minutes and an action, all accessibly', async () => {
    h.clock.set('2026-08-03T09:00:00Z');
    const social = await contextFor(h, 'social.mash@lantern.invalid');
    const childId = await h.services.children.create(social, {
      givenName: 'Agenda',
      familyName: 'Journeyson',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    for (const day of ['2026-07-10', '2026-07-20', '2026-08-01']) {
      const id = await h.services.episodes.report(social, childId, {
        kind: 'missing',
        startedAt: new Date(`${day}T20:00:00Z`),
        policeForceCode: 'E23000010',
      });
      await h.services.episodes.close(social, id, { endedAt: new Date(`${day}T23:00:00Z`) });
    }
    const chair = await h.newPage();
    await signIn(chair, 'chair@lantern.invalid', DEMO_PASSWORD);
    await chair.getByRole('link', { name: 'Subgroup' }).click();
    await expectAccessible(chair, 'subgroups');
    await chair.getByRole('button', { name: 'Set up a subgroup' }).click();
    await chair.getByRole('button', { name: 'Set up the subgroup' }).click();
    expect(await chair.locator('.govuk-error-summary').textContent()).toContain('Enter a name');
    await expectAccessible(chair, 'set up a subgroup with errors');
    await chair.getByLabel('Area').selectOption({ label: 'Leeds' });
    await chair.getByLabel('Name').fill('Leeds CSE and missing subgroup');
    await chair.getByLabel('The lead’s email address').fill('chair@lantern.invalid');
    await chair.getByRole('button', { name: 'Set up the subgroup' }).click();
    await chair.getByLabel('Add a member by email address').fill('police.mash@lantern.invalid');
    await chair.getByRole('button', { name: 'Add the member' }).click();
    await chair.getByLabel('Day').fill('4');
    await chair.getByLabel('Month').fill('8');
    await chair.getByLabel('Year').fill('2026');
    await chair.getByLabel('Hour').fill('10');
    await chair.getByLabel('Minute').fill('00');
    await chair.getByLabel('Where?').fill('Civic Hall, room 3');
    await chair.getByRole('button', { name: 'Schedule the meeting' }).click();
    await expectAccessible(chair, 'meeting without an agenda');
    await chair.getByRole('button', { name: 'Build the agenda' }).click();
    expect(await chair.locator('main').textContent()).toContain('Agenda Journeyson');
    expect(await chair.locator('main').textContent()).toContain(
      'Repeat missing: 3 episodes in the last 90 days',
    );
    await chair.getByRole('button', { name: 'Add the action' }).click();
    expect(await chair.locator('.govuk-error-summary').textContent()).toContain('Describe the action');
    await expectAccessible(chair, 'meeting with errors');
    await chair.getByLabel('Action', { exact: true }).fill('Review the safety plan');
    await chair.getByLabel('Owner’s email address').fill('social.mash@lantern.invalid');
    await chair.getByLabel('Day').fill('11');
    await chair.getByLabel('Month').fill('8');
    await chair.getByLabel('Year').fill('2026');
    await chair.getByRole('button', { name: 'Add the action' }).click();
    await chair.getByLabel('Minutes').fill('Police, social care and health attended.');
    await chair.getByRole('button', { name: 'Save the minutes' }).click();
    await expectAccessible(chair, 'meeting with minutes and an action');
    await chair.getByRole('link', { name: 'Printable agenda and minutes' }).click();
    expect(await chair.locator('main').textContent()).toContain('Review the safety plan');
    await expectAccessible(chair, 'printable agenda');
  }, 180_000);
});

describe('the threshold table', () => {
  it('is changed by the hub administrator, with errors shown accessibly', async () => {
    const admin = await h.newPage();
    await signIn(admin, 'hub.admin@lantern.invalid', DEMO_PASSWORD);
    await admin.getByRole('link', { name: 'Thresholds' }).click();
    await expectAccessible(admin, 'choose an area');
    await admin.getByLabel('Area').selectOption({ label: 'Leeds' });
    await admin.getByRole('button', { name: 'Show the area’s table' }).click();
    await expectAccessible(admin, 'threshold table');
    await admin.getByRole('button', { name: 'Add the decision' }).click();
    expect(await admin.locator('.govuk-error-summary').textContent()).toContain(
      'Enter the decision as practitioners will see it',
    );
    await expectAccessible(admin, 'threshold table with errors');
    await admin.getByLabel('Decision', { exact: true }).fill('Section 47 enquiry');
    await admin.getByLabel('Code').fill('s47');
    await admin.getByLabel('Yes').check();
    await admin.getByRole('button', { name: 'Add the decision' }).click();
    expect(await admin.locator('main table').textContent()).toContain('Section 47 enquiry');
  });
});
