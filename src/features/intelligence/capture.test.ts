import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import { intelEntity, intelLink } from './tables';

let t: TestApp;
let childId: string;
let interviewId: string;
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-06-01T09:00:00Z');
  const social = await contextFor(t, 'social.mash@lantern.invalid');
  const police = await contextFor(t, 'police.mash@lantern.invalid');
  childId = await t.services.children.create(social, {
    givenName: 'Capture',
    familyName: 'Example',
    responsibleAuthorityCode: 'E08000035',
  });
  const episodeId = await t.services.episodes.report(social, childId, {
    kind: 'missing',
    startedAt: new Date('2026-05-30T20:00:00Z'),
    policeForceCode: 'E23000010',
  });
  const closed = await t.services.episodes.close(police, episodeId, {
    endedAt: new Date('2026-05-31T08:00:00Z'),
    foundLocation: 'Example Park',
  });
  interviewId = (closed as { returnInterviewId: string }).returnInterviewId;
});
afterAll(async () => {
  await t.close();
});

const grading = { sourceGrade: '2', informationGrade: 'B', handlingCode: 'P' };
const when = {
  'occurredAt-day': '31',
  'occurredAt-month': '5',
  'occurredAt-year': '2026',
  'occurredAt-hour': '7',
  'occurredAt-minute': '30',
};

describe('recording intelligence from a return interview', () => {
  it('searches first, keeps every answer on an error, then records the new entity and its link', async () => {
    const b = new Browser(t.app);
    await b.signIn('return.worker@lantern.invalid');
    const interview = await b.get(`/return-interviews/${interviewId}`);
    const href = /href="(\/children\/[^"]+\/intelligence\/add\?[^"]+)"/
      .exec(interview.body)?.[1]
      ?.replaceAll('&amp;', '&');
    expect(href).toContain('source=return_interview');
    const search = await b.get(`${href}&kind=vehicle&q=${encodeURIComponent('ex12 amp')}`);
    expect(search.statusCode).toBe(200);
    expect(textOf(search.body)).toContain('Nothing like it is recorded yet');

    const action = `/children/${childId}/intelligence/add`;
    const base = {
      kind: 'vehicle',
      q: 'ex12 amp',
      source: 'return_interview',
      sourceId: interviewId,
      returnTo: `/return-interviews/${interviewId}`,
      entityId: 'new',
      registration: 'ex12 amp',
      colour: 'Silver',
      type: 'travelled_in',
      ...when,
    };
    // No grading: the form comes back with the answers and an error summary, and nothing is written.
    const bad = await b.post(action, base);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('govuk-error-summary');
    expect(textOf(bad.body)).toContain('Select how reliable the source is');
    expect(bad.body).toContain('value="ex12 amp"');
    expect(await t.services.withTransaction((tx) => tx.select().from(intelEntity))).toHaveLength(0);

    const good = await b.post(action, { ...base, ...grading });
    expect(good.statusCode).toBe(303);
    expect(good.headers.location).toBe(`/return-interviews/${interviewId}?linked=yes`);
    const [vehicle] = await t.services.withTransaction((tx) => tx.select().from(intelEntity));
    expect(vehicle).toMatchObject({ kind: 'vehicle', registration: 'EX12AMP', colour: 'Silver' });
    const links = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(intelLink)
        .where(eq(intelLink.entityId, vehicle?.id ?? '')),
    );
    expect(links).toMatchObject([
      {
        childId,
        type: 'travelled_in',
        sourceType: 'return_interview',
        sourceId: interviewId,
        sourceGrade: '2',
      },
    ]);

    // A second search finds it, so the next link reuses it.
    const again = await b.get(`${href}&kind=vehicle&q=EX12AMP`);
    expect(textOf(again.body)).toContain('Is it one of these?');
    expect(again.body).toContain(`value="${vehicle?.id}"`);
  });

  it('is refused to those without the intelligence permission', async () => {
    const b = new Browser(t.app);
    await b.signIn('health@lantern.invalid');
    expect((await b.get(`/children/${childId}/intelligence/add`)).statusCode).toBe(404);
    expect((await b.get('/intelligence')).statusCode).toBe(404);
  });
});
