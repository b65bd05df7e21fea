import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantAccess } from '../../src/features/children/children.repository';
import { startWorkers } from '../../src/workers';
import { DEMO_PASSWORD } from '../support/app';
import { type BrowserHarness, expectAccessible, signIn, startBrowserHarness } from '../support/browser';
import { contextFor } from '../support/contexts';
import { startSmtpPeer, waitFor } from '../support/smtp';

let h: BrowserHarness;
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
beforeAll(async () => {
  smtp = await startSmtpPeer();
  h = await startBrowserHarness({ smtpUrl: smtp.url });
  await startWorkers(h.services, 0.5);
});
afterAll(async () => {
  await h?.shutdown();
  await smtp?.close();
});

function fillDateTime(
  prefix: string,
  at: { day: string; month: string; year: string; hour: string; minute: string },
) {
  return async (page: import('playwright-core').Page) => {
    const group = page.locator(`#${prefix}`);
    await group.getByLabel('Day').fill(at.day);
    await group.getByLabel('Month').fill(at.month);
    await group.getByLabel('Year').fill(at.year);
    await group.getByLabel('Hour').fill(at.hour);
    await group.getByLabel('Minute').fill(at.minute);
  };
}

describe('a child goes missing from a children’s home', () => {
  it('home reports → force grades high → coordinator emailed → closed → return interview due in 72 hours is recorded', async () => {
    h.clock.set('2026-03-28T21:50:00Z');
    const social = await contextFor(h, 'social.mash@lantern.invalid');
    const home = await contextFor(h, 'home.staff@lantern.invalid');
    const childId = await h.services.children.create(social, {
      givenName: 'Jordan',
      familyName: 'Examplewood',
      dateOfBirth: '2011-05-04',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    // The child lives in the home (what a placement records).
    await h.services.withTransaction((tx) =>
      grantAccess(tx, {
        childId,
        agencyId: home.actor?.agencyId ?? '',
        basis: 'home',
        validFrom: h.clock.now(),
      }),
    );

    const staff = await h.newPage();
    await signIn(staff, 'home.staff@lantern.invalid', DEMO_PASSWORD);
    await staff.goto(`/children/${childId}`);
    await expectAccessible(staff, 'child record');
    await staff.getByRole('button', { name: 'Report missing or absent' }).click();
    await expectAccessible(staff, 'report form');
    await staff.getByRole('button', { name: 'Report' }).click();
    expect(await staff.locator('.govuk-error-summary').textContent()).toContain(
      'Select whether the child is missing or absent',
    );
    await expectAccessible(staff, 'report form with errors');
    await staff.getByLabel('No: the child is missing').check();
    await fillDateTime('startedAt', { day: '28', month: '3', year: '2026', hour: '19', minute: '30' })(staff);
    await staff.getByLabel('Where were they last seen?').fill('Leaving the home on foot');
    await staff.getByLabel('Searched the home and nearby places').check();
    await staff.getByLabel('Called or messaged the child').check();
    await staff.getByLabel('What they were wearing').fill('Black coat, red trainers');
    await staff.getByRole('button', { name: 'Report' }).click();
    expect(await staff.locator('h1').textContent()).toContain('Open episode');
    await expectAccessible(staff, 'episode as reported');

    const officer = await h.newPage();
    await signIn(officer, 'police.mash@lantern.invalid', DEMO_PASSWORD);
    await officer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
    await expectAccessible(officer, 'alerts');
    await officer
      .getByRole('link', { name: /Open the record/ })
      .first()
      .click();
    await officer.getByRole('button', { name: 'Save grade' }).click();
    expect(await officer.locator('.govuk-error-summary').textContent()).toContain('Select the risk grade');
    await expectAccessible(officer, 'grade with errors');
    await officer.getByLabel('High').check();
    await officer.getByLabel('Rationale').fill('Seen getting into a car with an unknown adult');
    await officer.getByRole('button', { name: 'Save grade' }).click();
    expect(await officer.locator('h1').textContent()).toContain('High risk');
    const coordinatorMail = await waitFor(() =>
      smtp.received.find(
        (m) => m.to.includes('coordinator@lantern.invalid') && m.raw.includes('graded high risk'),
      ),
    );
    expect(coordinatorMail.raw).not.toContain('Examplewood');

    h.clock.set('2026-03-28T22:10:00Z'); // within the 30 idle minutes of the signed-in officer
    await fillDateTime('endedAt', { day: '28', month: '3', year: '2026', hour: '22', minute: '00' })(officer);
    await officer.getByLabel('Where were they found?').fill('Bus station');
    await officer.getByRole('button', { name: 'Close episode' }).click();
    expect(await officer.locator('h1').textContent()).toContain('Closed episode');
    expect(await officer.locator('main').textContent()).toContain('31 March 2026 at 11pm');
    await expectAccessible(officer, 'closed episode');
    await officer.goto(`/children/${childId}`);
    expect(await officer.locator('.moj-timeline').textContent()).toContain('Risk graded high');
    await expectAccessible(officer, 'child record with its chronology');

    const worker = await h.newPage();
    await signIn(worker, 'return.worker@lantern.invalid', DEMO_PASSWORD);
    await worker
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Return interviews' })
      .click();
    expect(await worker.locator('main').textContent()).toContain('Due in 72 hours');
    await expectAccessible(worker, 'return interview queue');
    await worker.getByRole('link', { name: 'Jordan Examplewood' }).click();
    await expectAccessible(worker, 'return interview');
    await worker.getByRole('button', { name: 'Save the interview' }).click();
    expect(await worker.locator('.govuk-error-summary').textContent()).toContain(
      'Enter when the interview was held',
    );
    await expectAccessible(worker, 'return interview with errors');
    await fillDateTime('heldAt', { day: '29', month: '3', year: '2026', hour: '10', minute: '00' })(worker);
    await worker.getByLabel('Where was it held?').fill('Youth centre');
    await worker.getByLabel('Interviewer’s name').fill('Leon Marsh');
    await worker.getByLabel('Interviewer’s role').fill('Independent return interview worker');
    await worker
      .getByRole('group', { name: 'Is the interviewer independent of the child’s care?' })
      .getByLabel('Yes')
      .check();
    await worker.getByLabel('Why did they leave?').fill('Wanted to see an older friend');
    await worker.getByRole('button', { name: 'Save the interview' }).click();
    expect(await worker.locator('main').textContent()).toContain('Held');
    await expectAccessible(worker, 'return interview held');
  });
});
