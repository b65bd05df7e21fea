import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import type { Context } from '../../platform/context';
import { draftKey } from '../../platform/drafts/drafts.service';

let t: TestApp;
let social: Context;

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-06-01T09:00:00Z');
  social = await contextFor(t, 'social.mash@lantern.invalid');
});
afterAll(async () => {
  await t.close();
});

const newChild = () =>
  t.services.children.create(social, { givenName: 'Screened', familyName: 'Draftchild', lookedAfter: false });

describe('drafts of the CSE screening', () => {
  it('saves answers without a review date, and refills the form from them on reopening', async () => {
    const childId = await newChild();
    const url = `/children/${childId}/screenings/new`;
    const screener = new Browser(t.app);
    await screener.signIn('social.mash@lantern.invalid');
    expect((await screener.get(url)).body).toContain('data-draft');
    const saved = await screener.post(url, {
      a_s_disclosure: 'current',
      notes: 'Spoke to the school nurse',
      action: 'draft',
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${url}?draft=saved`);
    const reopened = await screener.get(saved.headers.location as string);
    expect(textOf(reopened.body)).toContain('Draft saved at 10:00');
    expect(reopened.body).toContain('Spoke to the school nurse');
    expect(reopened.body).toMatch(/name="a_s_disclosure" type="radio" value="current" checked/);
  });

  it('keeps the draft from colleagues and from agencies that cannot see the child', async () => {
    const childId = await newChild();
    const url = `/children/${childId}/screenings/new`;
    const screener = new Browser(t.app);
    await screener.signIn('social.mash@lantern.invalid');
    await screener.get(url);
    await screener.post(url, { notes: 'Only mine', action: 'draft' });

    const colleague = new Browser(t.app);
    await colleague.signIn('missing.lead@lantern.invalid');
    const theirs = await colleague.get(url);
    expect(theirs.statusCode).toBe(200);
    expect(theirs.body).not.toContain('Only mine');

    const york = new Browser(t.app);
    await york.signIn('neighbour.social@lantern.invalid');
    expect((await york.get(url)).statusCode).toBe(404);
    expect((await york.post(url, { notes: 'Not theirs', action: 'draft' })).statusCode).toBe(404);
    const stranger = await contextFor(t, 'neighbour.social@lantern.invalid');
    expect(await t.services.drafts.load(stranger, draftKey('screening', childId))).toBeNull();
  });

  it('deletes the draft when the screening is recorded', async () => {
    const childId = await newChild();
    const url = `/children/${childId}/screenings/new`;
    const screener = new Browser(t.app);
    await screener.signIn('social.mash@lantern.invalid');
    await screener.get(url);
    await screener.post(url, { notes: 'Nearly there', action: 'draft' });
    const missingDate = await screener.post(url, { notes: 'Nearly there' });
    expect(missingDate.statusCode).toBe(400);
    expect(await t.services.drafts.load(social, draftKey('screening', childId))).not.toBeNull();
    await screener.get(url);
    const recorded = await screener.post(url, {
      notes: 'Done',
      'reviewOn-day': '1',
      'reviewOn-month': '12',
      'reviewOn-year': '2026',
    });
    expect(recorded.statusCode).toBe(303);
    expect(await t.services.drafts.load(social, draftKey('screening', childId))).toBeNull();
    expect((await screener.get(url)).body).not.toContain('Nearly there');
  });
});
