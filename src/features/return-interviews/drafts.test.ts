import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import { draftKey } from '../../platform/drafts/drafts.service';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

async function interviewDue(familyName: string) {
  const social = await contextFor(t, 'social.mash@lantern.invalid');
  const childId = await t.services.children.create(social, {
    givenName: 'Drafted',
    familyName,
    lookedAfter: true,
    responsibleAuthorityCode: 'E08000035',
  });
  const id = await t.services.episodes.report(social, childId, {
    kind: 'missing',
    startedAt: new Date(t.clock.now().getTime() - 6 * 3_600_000),
    policeForceCode: 'E23000010',
  });
  const closed = await t.services.episodes.close(social, id, {
    endedAt: new Date(t.clock.now().getTime() - 3_600_000),
  });
  return closed.returnInterviewId;
}

/** The findings form half filled in: a date that does not exist and no interviewer yet. */
const halfDone = {
  outcome: 'held',
  'heldAt-day': '31',
  'heldAt-month': '2',
  'heldAt-year': '2026',
  heldWhere: 'Library',
  whyLeft: 'Argument about phone time',
};

describe('drafts of the return interview findings', () => {
  it('saves half-finished findings without checking them, and fills the form from them on reopening', async () => {
    t.clock.set('2026-05-12T12:00:00Z');
    const id = await interviewDue('Halfway');
    const url = `/return-interviews/${id}`;
    const worker = new Browser(t.app);
    await worker.signIn('return.worker@lantern.invalid');
    const form = await worker.get(url);
    expect(form.body).toContain('data-draft');
    expect(form.body).toMatch(
      /<button type="submit" value="draft" name="action" class="govuk-button govuk-button--secondary"[^>]*>\s*Save as draft/,
    );

    const saved = await worker.post(url, { ...halfDone, action: 'draft' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${url}?draft=saved`);
    const reopened = await worker.get(saved.headers.location as string);
    expect(reopened.statusCode).toBe(200);
    // 12:00 UTC is 13:00 in London in May.
    expect(textOf(reopened.body)).toContain('Draft saved at 13:00');
    expect(textOf(reopened.body)).toContain('filled in from your draft saved on 12 May 2026 at 1pm');
    expect(reopened.body).toContain('Argument about phone time');
    expect(reopened.body).toMatch(/name="heldAt-day"[^>]*value="31"/);

    // Later, without the banner, the draft still fills the form.
    const later = await worker.get(url);
    expect(textOf(later.body)).not.toContain('Draft saved at');
    expect(later.body).toContain('Argument about phone time');
  });

  it('shows the draft to its author only', async () => {
    t.clock.set('2026-05-13T12:00:00Z');
    const id = await interviewDue('Private');
    const worker = new Browser(t.app);
    await worker.signIn('return.worker@lantern.invalid');
    await worker.get(`/return-interviews/${id}`);
    await worker.post(`/return-interviews/${id}`, { ...halfDone, action: 'draft' });
    // The missing lead of the authority that owns the interview sees the form, empty.
    const lead = new Browser(t.app);
    await lead.signIn('missing.lead@lantern.invalid');
    const theirs = await lead.get(`/return-interviews/${id}`);
    expect(theirs.statusCode).toBe(200);
    expect(theirs.body).not.toContain('Argument about phone time');
    expect(theirs.body).not.toContain('filled in from your draft');
  });

  it('saves a draft only for someone who may fill in the form: others get the same 404', async () => {
    t.clock.set('2026-05-14T12:00:00Z');
    const id = await interviewDue('Elsewhere');
    const york = new Browser(t.app);
    await york.signIn('neighbour.social@lantern.invalid');
    expect((await york.get(`/return-interviews/${id}`)).statusCode).toBe(404);
    const refused = await york.post(`/return-interviews/${id}`, { ...halfDone, action: 'draft' });
    expect(refused.statusCode).toBe(404);
    const stranger = await contextFor(t, 'neighbour.social@lantern.invalid');
    expect(await t.services.drafts.load(stranger, draftKey('return-interview', id))).toBeNull();
  });

  it('answers the autosave script with 204 and no page', async () => {
    t.clock.set('2026-05-15T12:00:00Z');
    const id = await interviewDue('Autosaved');
    const worker = new Browser(t.app);
    await worker.signIn('return.worker@lantern.invalid');
    await worker.get(`/return-interviews/${id}`);
    const body = new URLSearchParams({ _csrf: worker.csrfToken, ...halfDone, action: 'draft' });
    const res = await worker.request({
      method: 'POST',
      url: `/return-interviews/${id}`,
      payload: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    const ctx = await contextFor(t, 'return.worker@lantern.invalid');
    const draft = await t.services.drafts.load(ctx, draftKey('return-interview', id));
    expect(draft?.fields.whyLeft).toBe('Argument about phone time');
  });

  it('is discarded on request, and deleted when the findings are saved', async () => {
    t.clock.set('2026-05-16T12:00:00Z');
    const id = await interviewDue('Finished');
    const url = `/return-interviews/${id}`;
    const ctx = await contextFor(t, 'return.worker@lantern.invalid');
    const key = draftKey('return-interview', id);
    const worker = new Browser(t.app);
    await worker.signIn('return.worker@lantern.invalid');
    await worker.get(url);
    await worker.post(url, { ...halfDone, action: 'draft' });
    const discarded = await worker.post(url, { action: 'discard-draft' });
    expect(discarded.statusCode).toBe(303);
    expect(await t.services.drafts.load(ctx, key)).toBeNull();
    expect(textOf((await worker.get(discarded.headers.location as string)).body)).toContain(
      'Draft discarded',
    );

    await worker.post(url, { ...halfDone, action: 'draft' });
    const invalid = await worker.post(url, halfDone);
    expect(invalid.statusCode).toBe(400);
    expect(await t.services.drafts.load(ctx, key)).not.toBeNull();
    await worker.get(url);
    const submitted = await worker.post(url, {
      ...halfDone,
      'heldAt-day': '16',
      'heldAt-month': '5',
      'heldAt-hour': '10',
      'heldAt-minute': '00',
      interviewerName: 'Leon Marsh',
      interviewerRole: 'Return interview worker',
      interviewerIndependent: 'yes',
    });
    expect(submitted.statusCode).toBe(303);
    expect(await t.services.drafts.load(ctx, key)).toBeNull();
    const after = await worker.get(url);
    expect(after.body).not.toContain('filled in from your draft');
  });
});
