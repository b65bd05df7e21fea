import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-09-10T09:00:00Z');
});
afterAll(async () => {
  await t.close();
});

describe('the chronology', () => {
  it('puts every agency’s records together, filters by type and agency, and takes case notes', async () => {
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const childId = await t.services.children.create(social, {
      givenName: 'Chrono',
      familyName: 'Testchild',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    await t.services.placements.place(social, childId, {
      postcode: 'LS9 8AA',
      placementType: 'U1',
      provider: 'PR1',
      placingAuthorityCode: 'E08000035',
      hostAuthorityCode: 'E08000035',
      startDate: '2026-09-01',
    });
    await t.services.episodes.report(social, childId, {
      kind: 'missing',
      startedAt: new Date('2026-09-09T20:00:00Z'),
      policeForceCode: 'E23000010',
    });
    await t.services.notices.raise(await contextFor(t, 'police.mash@lantern.invalid'), {
      childId,
      categories: ['sexual_exploitation'],
      whatHappened: 'Seen with adults of concern',
      source: 'Patrol',
    });
    const b = new Browser(t.app);
    await b.signIn('social.mash@lantern.invalid');
    await b.get(`/children/${childId}/chronology`);
    const empty = await b.post(`/children/${childId}/case-notes`, { note: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter the note');
    expect(
      (await b.post(`/children/${childId}/case-notes`, { note: 'Spoke to the carer about curfew' }))
        .statusCode,
    ).toBe(303);

    const all = textOf((await b.get(`/children/${childId}/chronology`)).body);
    expect(all).toContain('Placement started');
    expect(all).toContain('Reported missing');
    expect(all).toContain('Concern notice raised');
    expect(all).toContain(
      'Case notes Leeds City Council Children’s Services Case note Spoke to the carer about curfew',
    );

    const notesOnly = textOf((await b.get(`/children/${childId}/chronology?type=note`)).body);
    expect(notesOnly).toContain('Spoke to the carer about curfew');
    expect(notesOnly).not.toContain('Reported missing');
    const police = textOf(
      (await b.get(`/children/${childId}/chronology?agency=West%20Yorkshire%20Police`)).body,
    );
    expect(police).toContain('Concern notice raised');
    expect(police).not.toContain('Spoke to the carer about curfew');

    const other = new Browser(t.app);
    await other.signIn('neighbour.social@lantern.invalid');
    expect((await other.get(`/children/${childId}/chronology`)).statusCode).toBe(404);
  });
});
