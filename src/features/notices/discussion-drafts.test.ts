import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import { agency } from '../../platform/agencies/tables';
import type { Context } from '../../platform/context';
import { draftKey } from '../../platform/drafts/drafts.service';

let t: TestApp;
let social: Context;
let police: Context;
let policeAgencyId: string;
let healthAgencyId: string;

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-09-01T09:00:00Z');
  social = await contextFor(t, 'social.mash@lantern.invalid');
  police = await contextFor(t, 'police.mash@lantern.invalid');
  const [row] = await t.services.withTransaction((tx) =>
    tx.select({ id: agency.id }).from(agency).where(eq(agency.name, 'West Yorkshire Police')),
  );
  policeAgencyId = row?.id ?? '';
  const [health] = await t.services.withTransaction((tx) =>
    tx.select({ id: agency.id }).from(agency).where(eq(agency.name, 'Airedale Community Health Trust')),
  );
  healthAgencyId = health?.id ?? '';
});
afterAll(async () => {
  await t.close();
});

/** A strategy discussion held this morning, whose minutes are still to be recorded. */
async function discussionToMinute() {
  const childId = await t.services.children.create(social, {
    givenName: 'Minuted',
    familyName: 'Testchild',
    lookedAfter: true,
    responsibleAuthorityCode: 'E08000035',
  });
  const noticeId = await t.services.notices.raise(social, {
    childId,
    categories: ['sexual_exploitation'],
    whatHappened: 'Disclosure to a teacher',
    source: 'School',
  });
  await t.services.notices.propose(social, noticeId, { outcomeCode: 'strategy', rationale: 'Agreed' });
  await t.services.notices.confirm(police, noticeId);
  return t.services.strategyDiscussions.schedule(social, noticeId, {
    scheduledFor: new Date('2026-09-01T08:00:00Z'),
    venue: 'Room 2',
    inviteeAgencyIds: [policeAgencyId, healthAgencyId],
  });
}

describe('drafts of strategy discussion minutes', () => {
  it('saves half-written minutes, fills the form from them for their author only, and clears them once recorded', async () => {
    const id = await discussionToMinute();
    const page = `/strategy-discussions/${id}`;
    const record = `${page}/record`;
    const writer = new Browser(t.app);
    await writer.signIn('social.mash@lantern.invalid');
    expect((await writer.get(page)).body).toContain('data-draft');

    // No date and nothing decided yet: a draft is not checked.
    const saved = await writer.post(record, {
      attendedAgencyIds: policeAgencyId,
      informationShared: 'School shared attendance records',
      action: 'draft',
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${page}?draft=saved`);
    const reopened = await writer.get(saved.headers.location as string);
    expect(textOf(reopened.body)).toContain('Draft saved at 10:00');
    expect(reopened.body).toContain('School shared attendance records');
    expect(reopened.body).toMatch(new RegExp(`value="${policeAgencyId}" checked`));

    const officer = new Browser(t.app);
    await officer.signIn('police.mash@lantern.invalid');
    const theirs = await officer.get(page);
    expect(theirs.statusCode).toBe(200);
    expect(theirs.body).toContain('Record the discussion');
    expect(theirs.body).not.toContain('School shared attendance records');

    await writer.get(page);
    const done = await writer.post(record, {
      'heldAt-day': '1',
      'heldAt-month': '9',
      'heldAt-year': '2026',
      'heldAt-hour': '9',
      'heldAt-minute': '00',
      attendedAgencyIds: policeAgencyId,
      informationShared: 'School shared attendance records',
      decisions: 'Section 47 enquiry',
    });
    expect(done.statusCode).toBe(303);
    expect(await t.services.drafts.load(social, draftKey('strategy-discussion', id))).toBeNull();
  });

  it('refuses a draft from someone who cannot see the discussion with the same 404', async () => {
    const id = await discussionToMinute();
    const york = new Browser(t.app);
    await york.signIn('neighbour.social@lantern.invalid');
    expect((await york.get(`/strategy-discussions/${id}`)).statusCode).toBe(404);
    const refused = await york.post(`/strategy-discussions/${id}/record`, {
      informationShared: 'Anything',
      action: 'draft',
    });
    expect(refused.statusCode).toBe(404);
    const stranger = await contextFor(t, 'neighbour.social@lantern.invalid');
    expect(await t.services.drafts.load(stranger, draftKey('strategy-discussion', id))).toBeNull();
  });
});
