import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { episode } from '../../src/features/episodes/tables';
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

describe('intelligence', () => {
  it('a return interview records a link to an adult; police open the child’s intelligence, network and the hotspot map', async () => {
    h.clock.set('2026-07-02T10:00:00Z');
    const social = await contextFor(h, 'social.mash@lantern.invalid');
    const police = await contextFor(h, 'police.mash@lantern.invalid');
    const childId = await h.services.children.create(social, {
      givenName: 'Journey',
      familyName: 'Linked',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    const episodeId = await h.services.episodes.report(social, childId, {
      kind: 'missing',
      startedAt: new Date('2026-07-01T20:00:00Z'),
      policeForceCode: 'E23000010',
      lastSeenLocation: 'Example Bus Station',
    });
    const { returnInterviewId } = await h.services.episodes.close(police, episodeId, {
      endedAt: new Date('2026-07-02T08:00:00Z'),
      foundLocation: 'Example Park',
    });

    // Where the child went missing from, with a position, for the hotspot map.
    await h.services.withTransaction(async (tx) => {
      const place = await h.services.locations.insert(
        tx,
        {
          name: 'Example Bus Station',
          postcode: null,
          latitude: 53.7955,
          longitude: -1.5382,
          coordinatesSource: 'user',
          localAuthorityCode: 'E08000035',
        },
        h.clock.now(),
      );
      await tx.update(episode).set({ lastSeenLocationId: place }).where(eq(episode.id, episodeId));
    });

    // The return-interview worker records who the child was with, from the interview.
    const worker = await h.newPage();
    await signIn(worker, 'return.worker@lantern.invalid', DEMO_PASSWORD);
    await worker.goto(`/return-interviews/${returnInterviewId}`);
    await worker.getByRole('link', { name: /Add intelligence from this record/ }).click();
    await expectAccessible(worker, 'add intelligence, before searching');
    await worker.getByLabel('Person of concern').check();
    await worker.getByLabel(/Search: a name/).fill('Example Adult');
    await worker.getByRole('button', { name: 'Search' }).click();
    expect(await worker.locator('main').textContent()).toContain('Nothing like it is recorded yet');
    await expectAccessible(worker, 'add intelligence, nothing found');
    await worker.getByLabel('Given name').fill('Example');
    await worker.getByLabel('Family name').fill('Adult');
    await worker.getByLabel('How is the child linked to it?').selectOption({ label: 'Seen with' });
    await worker.getByLabel('Day').fill('1');
    await worker.getByLabel('Month').fill('7');
    await worker.getByLabel('Year').fill('2026');
    await worker.getByLabel('Hour').fill('22');
    await worker.getByLabel('Minute').fill('15');
    await worker.getByLabel('2: untested').check();
    await worker.getByLabel('B: known indirectly, corroborated').check();
    await worker.getByLabel('C: lawful sharing permitted with conditions').check();
    await worker.getByRole('button', { name: 'Save the link' }).click();
    expect(await worker.locator('.govuk-error-summary').textContent()).toContain(
      'Enter the conditions on sharing it',
    );
    await expectAccessible(worker, 'add intelligence with an error');
    await worker.getByLabel('P: lawful sharing permitted').check();
    await worker.getByRole('button', { name: 'Save the link' }).click();
    expect(worker.url()).toContain(`/return-interviews/${returnInterviewId}`);
    expect(await worker.locator('.govuk-notification-banner').textContent()).toContain(
      'The intelligence is recorded',
    );
    await expectAccessible(worker, 'return interview after recording intelligence');

    // Police see it on the child's intelligence page, the network and the hotspot map.
    const officer = await h.newPage();
    await signIn(officer, 'police.mash@lantern.invalid', DEMO_PASSWORD);
    await officer.goto(`/children/${childId}/intelligence`);
    expect(await officer.locator('main table').textContent()).toContain('Example Adult');
    await expectAccessible(officer, 'a child’s intelligence');
    await officer.getByRole('link', { name: 'Network around the child' }).click();
    expect(await officer.locator('main').textContent()).toContain('Example Adult');
    await expectAccessible(officer, 'the network around a child');
    // From the graph itself, as a pointer user would.
    await officer.locator('main svg a[aria-label^="Example Adult"] path').last().click();
    await officer.waitForURL(/\/intelligence\/entities\//);
    expect(await officer.locator('h1').textContent()).toContain('Example Adult');
    await expectAccessible(officer, 'an entity page');
    await officer.goto('/intelligence/hotspots');
    expect(await officer.locator('main svg[role="img"]').count()).toBe(1);
    expect(await officer.locator('main table').first().textContent()).toContain('1');
    await expectAccessible(officer, 'the hotspot map');
  });
});
