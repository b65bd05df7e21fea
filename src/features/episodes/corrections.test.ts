import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import type { Context } from '../../platform/context';

let t: TestApp;
let social: Context;

beforeAll(async () => {
  t = await buildTestApp();
  social = await contextFor(t, 'social.mash@lantern.invalid');
});
afterAll(async () => {
  await t.close();
});

async function episodeAt(childId: string, at: string) {
  const start = new Date(at);
  const id = await t.services.episodes.report(social, childId, {
    kind: 'missing',
    startedAt: start,
    clothing: 'Red coat',
    policeForceCode: 'E23000010',
  });
  await t.services.episodes.close(social, id, { endedAt: new Date(start.getTime() + 3_600_000) });
  return id;
}

describe('corrections', () => {
  it('keep the old value in the history, with the reason and who made it', async () => {
    t.clock.set('2026-04-01T09:00:00Z');
    const childId = await t.services.children.create(social, {
      givenName: 'Corrected',
      familyName: 'Testchild',
      lookedAfter: false,
    });
    const id = await episodeAt(childId, '2026-03-31T20:00:00Z');
    const b = new Browser(t.app);
    await b.signIn('social.mash@lantern.invalid');
    await b.get(`/episodes/${id}`);
    const bad = await b.post(`/episodes/${id}/corrections`, {
      field: 'clothing',
      value: 'Blue coat',
      reason: '',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Say why it is corrected');
    const ok = await b.post(`/episodes/${id}/corrections`, {
      field: 'clothing',
      value: 'Blue coat',
      reason: 'The carer misremembered the colour',
    });
    expect(ok.statusCode).toBe(303);
    const page = textOf((await b.get(`/episodes/${id}`)).body);
    expect(page).toContain('Clothing Red coat Blue coat The carer misremembered the colour (Priya Hale)');
    const view = await t.services.episodes.get(social, id);
    expect(view.episode.clothing).toBe('Blue coat');
  });
});

describe('entered in error', () => {
  it('takes an episode out of the repeat-missing flag, while keeping it on the record', async () => {
    t.clock.set('2026-05-01T09:00:00Z');
    const childId = await t.services.children.create(social, {
      givenName: 'Mistaken',
      familyName: 'Testchild',
      lookedAfter: false,
    });
    await episodeAt(childId, '2026-04-01T20:00:00Z');
    await episodeAt(childId, '2026-04-10T20:00:00Z');
    const wrong = await episodeAt(childId, '2026-04-20T20:00:00Z');
    expect((await t.services.flags.forChild(social, childId)).map((f) => f.code)).toContain('repeat-missing');
    await expect(t.services.episodes.markEnteredInError(social, wrong, '')).rejects.toMatchObject({
      fieldErrors: [{ field: 'errorReason' }],
    });
    await t.services.episodes.markEnteredInError(social, wrong, 'Recorded against the wrong child');
    expect((await t.services.flags.forChild(social, childId)).map((f) => f.code)).not.toContain(
      'repeat-missing',
    );
    expect((await t.services.flags.repeatMissing(social)).rows.map((r) => r.id)).not.toContain(childId);
    const view = await t.services.episodes.get(social, wrong);
    expect(view.episode.enteredInErrorReason).toBe('Recorded against the wrong child');
    // Its return interview is no longer owed.
    const queue = await t.services.returnInterviews.queue(
      await contextFor(t, 'missing.lead@lantern.invalid'),
    );
    expect(queue.rows.map((q) => q.interview.episodeId)).not.toContain(wrong);
  });

  it('frees the child for a new open episode when an open one was a mistake', async () => {
    t.clock.set('2026-05-02T09:00:00Z');
    const childId = await t.services.children.create(social, {
      givenName: 'Open',
      familyName: 'Mistake',
      lookedAfter: false,
    });
    const open = await t.services.episodes.report(social, childId, {
      kind: 'missing',
      startedAt: new Date('2026-05-02T08:00:00Z'),
      policeForceCode: 'E23000010',
    });
    await t.services.episodes.markEnteredInError(social, open, 'Duplicate of a report made by phone');
    const again = await t.services.episodes.report(social, childId, {
      kind: 'missing',
      startedAt: new Date('2026-05-02T08:00:00Z'),
      policeForceCode: 'E23000010',
    });
    expect(again).not.toBe(open);
  });
});
