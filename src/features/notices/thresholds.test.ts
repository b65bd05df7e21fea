import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-09-01T09:00:00Z');
});
afterAll(async () => {
  await t.close();
});

describe('an area’s threshold table', () => {
  it('is set by the hub administrator and used for the area’s decisions, starting from the hub’s', async () => {
    const b = new Browser(t.app);
    await b.signIn('hub.admin@lantern.invalid');
    const page = await b.get('/admin/thresholds/E08000035');
    expect(textOf(page.body)).toContain('The area uses the hub’s table');
    const bad = await b.post('/admin/thresholds/E08000035/outcomes', {
      label: 'Section 47 enquiry',
      code: 'S 47!',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter a short code of letters, digits and underscores');
    expect(bad.body).toContain('Say whether it means a strategy discussion');
    const added = await b.post('/admin/thresholds/E08000035/outcomes', {
      label: 'Section 47 enquiry',
      code: 's47',
      strategyDiscussion: 'yes',
    });
    expect(added.statusCode).toBe(303);
    await b.post('/admin/thresholds/E08000035/outcomes/advice/remove', {});
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const childId = await t.services.children.create(social, {
      givenName: 'Threshold',
      familyName: 'Testchild',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    const id = await t.services.notices.raise(social, {
      childId,
      categories: ['assault'],
      whatHappened: 'Injury',
      source: 'School',
    });
    const { outcomes } = await t.services.notices.get(social, id);
    expect(outcomes.map((o) => o.code)).toEqual(['nfa', 'early_help', 'cin', 'strategy', 's47']);
    await t.services.notices.propose(social, id, { outcomeCode: 's47', rationale: 'Significant harm' });
    await expect(
      t.services.notices.propose(social, id, { outcomeCode: 'advice', rationale: 'x' }),
    ).rejects.toMatchObject({
      fieldErrors: [{ field: 'outcomeCode' }],
    });
    // North Yorkshire still uses the hub's table.
    expect(
      (await t.services.thresholds.get(await contextFor(t, 'hub.admin@lantern.invalid'), 'E06000065'))
        .outcomes,
    ).toHaveLength(5);
  });

  it('keeps the deadlines in order, red shortest', async () => {
    const b = new Browser(t.app);
    await b.signIn('hub.admin@lantern.invalid');
    await b.get('/admin/thresholds/E08000035');
    const bad = await b.post('/admin/thresholds/E08000035/deadlines', { red: '24', amber: '4', green: '72' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Red must be the shortest deadline');
    expect(
      (await b.post('/admin/thresholds/E08000035/deadlines', { red: '2', amber: '12', green: '48' }))
        .statusCode,
    ).toBe(303);
    const hub = await contextFor(t, 'hub.admin@lantern.invalid');
    expect((await t.services.thresholds.get(hub, 'E08000035')).hours).toEqual({
      red: 2,
      amber: 12,
      green: 48,
    });
    // Only the hub administrator may.
    const social = new Browser(t.app);
    await social.signIn('social.mash@lantern.invalid');
    expect((await social.get('/admin/thresholds/E08000035')).statusCode).toBe(404);
  });
});
