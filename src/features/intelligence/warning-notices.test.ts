import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import type { Context } from '../../platform/context';
import { alert } from '../alerts/tables';
import type { Acting } from './intelligence.service';
import { intelLink, warningNoticeBreach } from './tables';
import { ageOn, inForceAt } from './warning-notices.service';

let t: TestApp;
let police: Acting;
let social: Acting;
let health: Context;
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-06-01T12:00:00Z');
  police = (await contextFor(t, 'police.mash@lantern.invalid')) as Acting;
  social = (await contextFor(t, 'social.mash@lantern.invalid')) as Acting;
  health = await contextFor(t, 'health@lantern.invalid');
});
afterAll(async () => {
  await t.close();
});

const grading = { sourceGrade: '2', informationGrade: 'B', handlingCode: 'P' } as const;
const terms =
  'Not to contact the child, or allow the child into 14 Example Street, or be with the child anywhere';

/** A looked-after child of Leeds, missing in West Yorkshire, so the force sees them too. */
async function childInCare(givenName: string, dateOfBirth = '2012-04-01', lookedAfter = true) {
  const childId = await t.services.children.create(social, {
    givenName,
    familyName: 'Example',
    dateOfBirth,
    lookedAfter,
    ...(lookedAfter ? { responsibleAuthorityCode: 'E08000035' } : {}),
  });
  const episodeId = await t.services.episodes.report(social, childId, {
    kind: 'missing',
    startedAt: new Date('2026-04-10T20:00:00Z'),
    policeForceCode: 'E23000010',
  });
  return { childId, episodeId };
}

async function person(givenName: string, extra: { dateOfBirth?: string } = {}) {
  const { id } = await t.services.intelligence.createEntity(police, {
    kind: 'person',
    givenName,
    familyName: 'Examplar',
    ...extra,
  });
  return id;
}

const link = (
  childId: string,
  entityId: string,
  episodeId: string,
  occurredAt: string,
  type: 'seen_with' | 'found_at' = 'seen_with',
) =>
  t.services.intelligence.link(police, {
    childId,
    entityId,
    type,
    occurredAt: new Date(occurredAt),
    sourceType: 'episode',
    sourceId: episodeId,
    ...grading,
  });

const breachesOf = (noticeId: string) =>
  t.services.withTransaction((tx) =>
    tx.select().from(warningNoticeBreach).where(eq(warningNoticeBreach.noticeId, noticeId)),
  );
const alertsOf = (noticeId: string) =>
  t.services.withTransaction((tx) =>
    tx
      .select()
      .from(alert)
      .where(and(eq(alert.subjectId, noticeId), eq(alert.kind, 'warning-notice-breached'))),
  );

describe('the rules', () => {
  it('count whole years of age, a birthday counting on the day', () => {
    expect(ageOn('2010-06-02', '2026-06-01')).toBe(15);
    expect(ageOn('2010-06-01', '2026-06-01')).toBe(16);
  });

  it('hold a notice in force from its serving day, counting on that day only what came after it was recorded, until it ends', () => {
    const n = { servedOn: '2026-05-01', createdAt: new Date('2026-05-01T15:00:00Z'), endedAt: null };
    expect(inForceAt(n, new Date('2026-04-30T22:00:00Z'))).toBe(false);
    expect(inForceAt(n, new Date('2026-05-01T10:00:00Z'))).toBe(false);
    expect(inForceAt(n, new Date('2026-05-01T16:00:00Z'))).toBe(true);
    expect(inForceAt(n, new Date('2026-05-02T01:00:00Z'))).toBe(true);
    expect(
      inForceAt({ ...n, endedAt: new Date('2026-05-10T00:00:00Z') }, new Date('2026-05-11T00:00:00Z')),
    ).toBe(false);
  });
});

describe('recording a warning notice', () => {
  it('is refused for a child of 16 not in care, allowed for one in care, and for a person whose age is not known', async () => {
    const sixteen = await childInCare('Sixteen', '2010-01-15', false);
    const inCare = await childInCare('InCare', '2010-01-15', true);
    const adult = await person('Unknownage');
    const input = { personId: adult, servedOn: '2026-05-01', terms, reviewOn: '2026-11-01' };
    await expect(t.services.warningNotices.record(police, sixteen.childId, input)).rejects.toMatchObject({
      fieldErrors: [{ field: 'servedOn', message: expect.stringContaining('16 or over') }],
    });
    const id = await t.services.warningNotices.record(police, inCare.childId, input);
    const notice = await t.services.warningNotices.get(police, id);
    expect(notice.servedBy).toMatchObject({ name: 'Sam Okafor', agency: 'West Yorkshire Police' });
    expect(notice.terms).toBe(terms);
    // A second notice on the same person about the same child while the first is in force.
    await expect(t.services.warningNotices.record(police, inCare.childId, input)).rejects.toMatchObject({
      field: 'personId',
    });
  });

  it('is refused for a person known to be under 18, a review before the serving, and a serving in the future', async () => {
    const { childId } = await childInCare('Young');
    const minor = await person('Minor', { dateOfBirth: '2009-01-01' });
    const adult = await person('Grown', { dateOfBirth: '1990-01-01' });
    await expect(
      t.services.warningNotices.record(police, childId, {
        personId: minor,
        servedOn: '2026-05-01',
        terms,
        reviewOn: '2026-11-01',
      }),
    ).rejects.toMatchObject({ fieldErrors: [{ field: 'personId' }] });
    await expect(
      t.services.warningNotices.record(police, childId, {
        personId: adult,
        servedOn: '2026-05-01',
        terms,
        reviewOn: '2026-04-01',
      }),
    ).rejects.toThrow();
    await expect(
      t.services.warningNotices.record(police, childId, {
        personId: adult,
        servedOn: '2026-06-02',
        terms,
        reviewOn: '2026-12-01',
      }),
    ).rejects.toMatchObject({ fieldErrors: [{ field: 'servedOn' }] });
  });

  it('needs the warning-notice permission', async () => {
    const { childId } = await childInCare('Permission');
    const adult = await person('Perm');
    const input = { personId: adult, servedOn: '2026-05-01', terms, reviewOn: '2026-11-01' };
    await expect(t.services.warningNotices.record(social, childId, input)).rejects.toThrow('Not found');
  });
});

describe('a breach', () => {
  it('is recorded once per link when the child is later linked to the person, and alerted to the serving force and the responsible authority', async () => {
    const { childId, episodeId } = await childInCare('Breach');
    const adult = await person('Breacher');
    const noticeId = await t.services.warningNotices.record(police, childId, {
      personId: adult,
      servedOn: '2026-05-01',
      terms,
      reviewOn: '2026-11-01',
    });
    // Seen together before the notice was served: no breach.
    await link(childId, adult, episodeId, '2026-04-20T21:00:00Z');
    expect(await breachesOf(noticeId)).toHaveLength(0);

    const first = await link(childId, adult, episodeId, '2026-05-31T09:00:00Z', 'found_at');
    const breaches = await breachesOf(noticeId);
    expect(breaches).toHaveLength(1);
    expect(breaches[0]).toMatchObject({ linkId: first, sourceType: 'episode', sourceId: episodeId });
    const alerts = await alertsOf(noticeId);
    expect(alerts.map((a) => a.agencyId).sort()).toEqual(
      [police.actor.agencyId, social.actor.agencyId].sort(),
    );
    expect(alerts.every((a) => a.priority === 'high' && a.childId === childId)).toBe(true);

    // Processing the same link again changes nothing.
    await t.services.withTransaction(async (tx) => {
      const [row] = await tx.select().from(intelLink).where(eq(intelLink.id, first));
      if (!row) throw new Error('no link');
      expect(await t.services.warningNotices.process(tx, police, row)).toBe(0);
    });
    expect(await breachesOf(noticeId)).toHaveLength(1);
    expect(await alertsOf(noticeId)).toHaveLength(2);

    // The same finding recorded again is another link, so another breach.
    await link(childId, adult, episodeId, '2026-05-31T09:00:00Z', 'found_at');
    expect(await breachesOf(noticeId)).toHaveLength(2);
    expect(await alertsOf(noticeId)).toHaveLength(4);

    const page = await t.services.warningNotices.get(police, noticeId);
    expect(page.breaches.map((b) => b.linkId)).toContain(first);
    expect(page.breaches[0]?.source.description).toContain('Missing from');
  });

  it('is recorded when the child is found at a place the person lives at, whichever is recorded first', async () => {
    const { childId, episodeId } = await childInCare('Home');
    const adult = await person('Householder');
    const place = await t.services.intelligence.createEntity(police, {
      kind: 'location',
      name: '22 Example Street',
      placeType: 'address',
    });
    const otherPlace = await t.services.intelligence.createEntity(police, {
      kind: 'location',
      name: '23 Example Street',
      placeType: 'address',
    });
    const logId = await t.services.intelligence.addLogEntry(police, {
      summary: 'Council tax record shows the person at the address',
      occurredAt: new Date('2026-03-01T00:00:00Z'),
    });
    const livesAt = (entityId: string) =>
      t.services.intelligence.link(police, {
        fromEntityId: adult,
        entityId,
        type: 'lives_at',
        occurredAt: new Date('2026-03-01T00:00:00Z'),
        sourceType: 'log',
        sourceId: logId,
        ...grading,
      });
    await livesAt(place.id);
    const noticeId = await t.services.warningNotices.record(police, childId, {
      personId: adult,
      servedOn: '2026-05-01',
      terms,
      reviewOn: '2026-11-01',
    });
    await link(childId, place.id, episodeId, '2026-05-20T23:00:00Z', 'found_at');
    expect(await breachesOf(noticeId)).toHaveLength(1);
    // Found at another address first; later it turns out the person lives there.
    const found = await link(childId, otherPlace.id, episodeId, '2026-05-25T23:00:00Z', 'found_at');
    expect(await breachesOf(noticeId)).toHaveLength(1);
    await livesAt(otherPlace.id);
    const breaches = await breachesOf(noticeId);
    expect(breaches).toHaveLength(2);
    expect(breaches.map((b) => b.linkId)).toContain(found);
  });

  it('is not recorded after the notice has ended', async () => {
    const { childId, episodeId } = await childInCare('Ended');
    const adult = await person('Former');
    const noticeId = await t.services.warningNotices.record(police, childId, {
      personId: adult,
      servedOn: '2026-05-01',
      terms,
      reviewOn: '2026-11-01',
    });
    await t.services.warningNotices.end(police, noticeId, 'Withdrawn at review');
    await expect(t.services.warningNotices.end(police, noticeId, 'Again')).rejects.toThrow('already ended');
    await link(childId, adult, episodeId, '2026-06-01T13:00:00Z');
    expect(await breachesOf(noticeId)).toHaveLength(0);
    expect((await t.services.warningNotices.get(police, noticeId)).endedReason).toBe('Withdrawn at review');
  });
});

describe('the pages', () => {
  it('re-render the form with an error summary and the typed values, then record the notice and show it', async () => {
    const { childId, episodeId } = await childInCare('Pages');
    const adult = await person('Pageperson');
    const browser = new Browser(t.app);
    await browser.signIn('police.mash@lantern.invalid');
    const url = `/children/${childId}/warning-notices/new`;
    const search = await browser.get(`${url}?q=${encodeURIComponent('Pageperson Examplar')}`);
    expect(search.statusCode).toBe(200);
    expect(search.body).toContain(`value="${adult}"`);

    const bad = await browser.post(url, {
      q: 'Pageperson Examplar',
      'servedOn-day': '31',
      'servedOn-month': '2',
      'servedOn-year': '2026',
      terms: 'Typed terms kept',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('<title>Error: Record a warning notice');
    const text = textOf(bad.body);
    expect(text).toContain('There is a problem');
    expect(text).toContain('Select the person the notice was served on');
    expect(text).toContain('Enter the date the notice was served as a real date');
    expect(text).toContain('Enter the date the notice is to be reviewed');
    expect(bad.body).toContain('href="#servedOn-day"');
    expect(bad.body).toContain('Typed terms kept');

    const done = await browser.post(url, {
      q: 'Pageperson Examplar',
      personId: adult,
      'servedOn-day': '1',
      'servedOn-month': '5',
      'servedOn-year': '2026',
      terms,
      'reviewOn-day': '1',
      'reviewOn-month': '11',
      'reviewOn-year': '2026',
    });
    expect(done.statusCode).toBe(303);
    const noticeUrl = String(done.headers.location);
    expect(noticeUrl).toMatch(/^\/warning-notices\/[0-9a-f-]{36}$/);
    await link(childId, adult, episodeId, '2026-05-31T09:00:00Z');

    const shown = textOf((await browser.get(noticeUrl)).body);
    expect(shown).toContain('Child Abduction Warning Notice');
    expect(shown).toContain('In force');
    expect(shown).toContain('1 May 2026');
    expect(shown).toContain('Sam Okafor, West Yorkshire Police');
    expect(shown).toContain('Seen with');
    expect(shown).toContain('31 May 2026 at 10am');

    const list = textOf((await browser.get(`/children/${childId}/warning-notices`)).body);
    expect(list).toContain('Pageperson Examplar');

    const noReason = await browser.post(`${noticeUrl}/end`, { reason: ' ' });
    expect(noReason.statusCode).toBe(400);
    expect(textOf(noReason.body)).toContain('Enter why the notice has ended');
    expect((await browser.post(`${noticeUrl}/end`, { reason: 'Withdrawn at review' })).statusCode).toBe(303);
    expect(textOf((await browser.get(noticeUrl)).body)).toContain('Withdrawn at review');

    const other = new Browser(t.app);
    await other.signIn('health@lantern.invalid');
    expect((await other.get(noticeUrl)).statusCode).toBe(404);
    expect((await other.get(url)).statusCode).toBe(404);
    await expect(t.services.warningNotices.get(health, noticeUrl.split('/').pop() ?? '')).rejects.toThrow();
  });
});
