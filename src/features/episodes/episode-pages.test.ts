import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const when = (prefix: string, day: string, month: string, year: string, hour: string, minute = '00') => ({
  [`${prefix}-day`]: day,
  [`${prefix}-month`]: month,
  [`${prefix}-year`]: year,
  [`${prefix}-hour`]: hour,
  [`${prefix}-minute`]: minute,
});

describe('episode pages', () => {
  it('reports, refuses a second open episode, grades and closes, showing every error on the page', async () => {
    t.clock.set('2026-03-28T23:30:00Z');
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const childId = await t.services.children.create(social, {
      givenName: 'Page',
      familyName: 'Journey',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    const staff = new Browser(t.app);
    await staff.signIn('social.mash@lantern.invalid');
    await staff.get(`/children/${childId}/episodes/new`);
    const bad = await staff.post(`/children/${childId}/episodes/new`, {
      ...when('startedAt', '30', '2', '2026', '20'),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Select whether the child is missing or absent');
    expect(bad.body).toContain('When the child was last seen must be a real date and time');

    const report = {
      kind: 'missing',
      ...when('startedAt', '28', '3', '2026', '19', '30'),
      lastSeenLocation: 'Outside the home',
      policeForceCode: 'E23000010',
      beforeReporting: ['searched', 'called'],
      clothing: 'Grey hoodie',
    };
    const ok = await staff.post(`/children/${childId}/episodes/new`, report);
    expect(ok.statusCode).toBe(303);
    const episodeUrl = ok.headers.location as string;

    await staff.get(`/children/${childId}/episodes/new`);
    const second = await staff.post(`/children/${childId}/episodes/new`, report);
    expect(second.statusCode).toBe(400);
    expect(second.body).toContain('This child already has an open episode');

    const officer = new Browser(t.app);
    await officer.signIn('police.mash@lantern.invalid');
    const page = await officer.get(episodeUrl);
    expect(page.body).toContain('Grey hoodie');
    expect(page.body).toContain('Searched: Yes');
    const grade = await officer.post(`${episodeUrl}/grade`, {
      grade: 'high',
      rationale: 'Links to an adult of concern',
    });
    expect(grade.statusCode).toBe(303);
    expect((await officer.get(episodeUrl)).body).toContain('Open episode: High risk');

    const early = await officer.post(`${episodeUrl}/close`, { ...when('endedAt', '28', '3', '2026', '18') });
    expect(early.statusCode).toBe(400);
    expect(early.body).toContain('must be after they were last seen');
    const closed = await officer.post(`${episodeUrl}/close`, {
      ...when('endedAt', '28', '3', '2026', '22'),
      foundLocation: 'Bus station',
    });
    expect(closed.statusCode).toBe(303);
    const after = await officer.get(episodeUrl);
    expect(after.body).toContain('Closed episode');
    expect(after.body).toContain('31 March 2026 at 11pm');
  });
});

describe('the child’s record', () => {
  it('lists the child’s episodes and offers a report only when none is open', async () => {
    t.clock.set('2026-04-10T12:00:00Z');
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const childId = await t.services.children.create(social, { givenName: 'Listed', familyName: 'Episodes' });
    const browser = new Browser(t.app);
    await browser.signIn('social.mash@lantern.invalid');
    const before = await browser.get(`/children/${childId}`);
    expect(before.body).toContain('No episodes recorded');
    expect(before.body).toContain('Report missing or absent');
    await t.services.episodes.report(social, childId, {
      kind: 'absent',
      startedAt: new Date('2026-04-10T10:00:00Z'),
      policeForceCode: 'E23000010',
    });
    const after = await browser.get(`/children/${childId}`);
    expect(after.body).toContain('Absent (away without authorisation)');
    expect(after.body).toContain('Open');
    expect(after.body).not.toContain('Report missing or absent');
  });
});

describe('the chronology', () => {
  it('shows the child’s episodes, gradings and interviews on one timeline, newest first', async () => {
    t.clock.set('2026-04-20T12:00:00Z');
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const officer = await contextFor(t, 'police.mash@lantern.invalid');
    const childId = await t.services.children.create(social, { givenName: 'Timeline', familyName: 'Child' });
    const id = await t.services.episodes.report(social, childId, {
      kind: 'missing',
      startedAt: new Date('2026-04-20T08:00:00Z'),
      lastSeenLocation: 'School gates',
      policeForceCode: 'E23000010',
    });
    await t.services.episodes.grade(officer, id, { grade: 'medium', rationale: 'Known to an older group' });
    await t.services.episodes.close(officer, id, {
      endedAt: new Date('2026-04-20T11:00:00Z'),
      foundLocation: 'Park',
    });
    const { rows: events } = await t.services.chronology.page(social, childId, {
      types: ['episode', 'grading'],
    });
    expect(events.map((e) => e.title)).toEqual(['Risk graded medium', 'Found', 'Reported missing']);
    const browser = new Browser(t.app);
    await browser.signIn('social.mash@lantern.invalid');
    const page = await browser.get(`/children/${childId}`);
    expect(page.body).toContain('moj-timeline');
    expect(page.body).toContain('School gates');
  });
});

describe('overdue risk reviews', () => {
  it('shows the coordinator the reviews that have passed, and is not found for a role that cannot grade', async () => {
    t.clock.set('2026-05-01T09:00:00Z');
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const officer = await contextFor(t, 'coordinator@lantern.invalid');
    const childId = await t.services.children.create(social, { givenName: 'Review', familyName: 'Slipped' });
    const id = await t.services.episodes.report(social, childId, {
      kind: 'missing',
      startedAt: new Date('2026-05-01T08:00:00Z'),
      policeForceCode: 'E23000010',
      policeReference: 'WY-2605-0001',
    });
    await t.services.episodes.grade(officer, id, {
      grade: 'high',
      rationale: 'Seen with an adult of concern',
      nextReviewAt: new Date('2026-05-01T10:00:00Z'),
    });
    t.clock.set('2026-05-03T13:30:00Z');

    const coordinator = new Browser(t.app);
    await coordinator.signIn('coordinator@lantern.invalid');
    const page = await coordinator.get('/episodes/reviews-overdue');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>Risk reviews overdue');
    expect(page.body).toContain(`href="/children/${childId}">Review Slipped</a>`);
    expect(page.body).toContain('WY-2605-0001');
    expect(page.body).toContain('1 May 2026 at 11am');
    expect(page.body).toContain('2 days and 3 hours');
    expect(page.body).toContain(`href="/episodes/${id}"`);
    expect(page.body).toContain('href="/episodes/reviews-overdue"');

    const practitioner = new Browser(t.app);
    await practitioner.signIn('social.mash@lantern.invalid');
    expect((await practitioner.get('/episodes/reviews-overdue')).statusCode).toBe(404);
    expect((await practitioner.get('/')).body).not.toContain('href="/episodes/reviews-overdue"');
  });
});
