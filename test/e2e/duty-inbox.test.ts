import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/platform/context';
import { DEMO_PASSWORD } from '../support/app';
import { type BrowserHarness, expectAccessible, signIn, startBrowserHarness } from '../support/browser';
import { contextFor } from '../support/contexts';

let h: BrowserHarness;
beforeAll(async () => {
  // Ten minutes a step, so the journey stays within a session's thirty idle minutes.
  h = await startBrowserHarness({ alertEscalationMinutes: 10 });
});
afterAll(async () => {
  await h?.shutdown();
});

describe('the duty inbox', () => {
  it('a high grade alerts the host force; nobody acknowledges it; it escalates; the coordinator acknowledges it', async () => {
    h.clock.set('2026-07-01T10:00:00Z');
    const social = await contextFor(h, 'social.mash@lantern.invalid');
    const childId = await h.services.children.create(social, {
      givenName: 'Duty',
      familyName: 'Inboxson',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    const episodeId = await h.services.episodes.report(social, childId, {
      kind: 'missing',
      startedAt: new Date('2026-07-01T09:00:00Z'),
      policeForceCode: 'E23000010',
    });
    const officer = await h.newPage();
    await signIn(officer, 'police.mash@lantern.invalid', DEMO_PASSWORD);
    await officer.goto(`/episodes/${episodeId}`);
    await officer.getByLabel('High').check();
    await officer.getByLabel('Rationale').fill('Seen getting into a car with an adult of concern');
    await officer.getByRole('button', { name: 'Save grade' }).click();

    const coordinator = await h.newPage();
    await signIn(coordinator, 'coordinator@lantern.invalid', DEMO_PASSWORD);
    await coordinator.goto('/alerts');
    expect(await coordinator.locator('main').textContent()).toContain('graded high risk');
    await expectAccessible(coordinator, 'duty inbox with a high-priority alert');

    const job = systemContext(h.clock, 'test-job');
    h.clock.set('2026-07-01T10:11:00Z');
    await h.services.alerts.escalate(job);
    await coordinator.reload();
    expect(await coordinator.locator('main').textContent()).toContain('Escalated to the duty managers');
    h.clock.set('2026-07-01T10:22:00Z');
    await h.services.alerts.escalate(job);
    await coordinator.reload();
    expect(await coordinator.locator('main').textContent()).toContain(
      'Escalated to the duty managers and the missing-from-home lead',
    );
    await expectAccessible(coordinator, 'duty inbox with an escalated alert');
    const card = coordinator.locator('.govuk-summary-card', { hasText: 'graded high risk' });
    await card.getByRole('button', { name: /Acknowledge/ }).click();
    const acknowledged = await coordinator.locator('main table').textContent();
    expect(acknowledged).toContain('Dan Whitlow');
    await expectAccessible(coordinator, 'duty inbox after acknowledging');
  });
});
