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

describe('my work', () => {
  it('an unallocated episode is taken, handed to a team with a reason, and taken from the team’s queue', async () => {
    h.clock.set('2026-07-02T10:00:00Z');
    const social = await contextFor(h, 'social.mash@lantern.invalid');
    const childId = await h.services.children.create(social, {
      givenName: 'Allocated',
      familyName: 'Workson',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    const episodeId = await h.services.episodes.report(social, childId, {
      kind: 'missing',
      startedAt: new Date('2026-07-02T09:00:00Z'),
      policeForceCode: 'E23000010',
    });

    const coordinator = await h.newPage();
    await signIn(coordinator, 'coordinator@lantern.invalid', DEMO_PASSWORD);
    await coordinator.goto('/work');
    await expectAccessible(coordinator, 'my work, empty');
    await coordinator.getByRole('link', { name: 'Not yet allocated to anyone in your agency' }).click();
    expect(await coordinator.locator('main').textContent()).toContain('Episode: Allocated Workson');
    await expectAccessible(coordinator, 'unallocated work');
    await coordinator.getByRole('button', { name: 'Take Episode: Allocated Workson' }).click();
    await coordinator.goto('/work');
    expect(await coordinator.locator('main table').textContent()).toContain('Episode: Allocated Workson');
    await expectAccessible(coordinator, 'my work with an item');

    await coordinator.goto(`/episodes/${episodeId}`);
    expect(await coordinator.locator('#allocation').textContent()).toContain('Dan Whitlow (you)');
    await coordinator.getByRole('link', { name: 'Allocate or see history' }).click();
    await coordinator.getByLabel('Allocate to').selectOption({ label: 'Team: Police MASH' });
    await coordinator.getByRole('button', { name: 'Allocate' }).click();
    expect(await coordinator.locator('.govuk-error-summary').textContent()).toContain(
      'Say why the work is reallocated',
    );
    await expectAccessible(coordinator, 'allocation form with an error');
    await coordinator.getByLabel('Reason').fill('The MASH holds the strategy discussion');
    await coordinator.getByRole('button', { name: 'Allocate' }).click();
    expect(await coordinator.locator('main table').textContent()).toContain(
      'The MASH holds the strategy discussion',
    );
    await expectAccessible(coordinator, 'allocation history');

    const officer = await h.newPage();
    await signIn(officer, 'police.mash@lantern.invalid', DEMO_PASSWORD);
    await officer.goto('/work');
    await officer.getByRole('link', { name: 'Police MASH' }).click();
    await expectAccessible(officer, 'team queue');
    await officer.getByRole('button', { name: 'Take Episode: Allocated Workson' }).click();
    expect(await officer.locator('main').textContent()).toContain('Nothing is waiting in this team’s queue');
    await officer.goto('/work');
    expect(await officer.locator('main table').textContent()).toContain('Episode: Allocated Workson');
  });
});
