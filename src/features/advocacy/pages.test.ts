import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';

let t: TestApp;
let browser: Browser;
let childId: string;

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-06-01T09:00:00Z');
  childId = await t.services.children.create(await contextFor(t, 'social.mash@lantern.invalid'), {
    givenName: 'Paged',
    familyName: 'Advocacychild',
    lookedAfter: true,
    responsibleAuthorityCode: 'E08000035',
  });
  browser = new Browser(t.app);
  expect((await browser.signIn('social.mash@lantern.invalid')).statusCode).toBe(303);
});
afterAll(async () => {
  await t.close();
});

const meetingForm = {
  kind: 'care_review',
  'meetingOn-day': '20',
  'meetingOn-month': '5',
  'meetingOn-year': '2026',
  offered: 'yes',
  'offeredOn-day': '6',
  'offeredOn-month': '5',
  'offeredOn-year': '2026',
  offeredBy: 'Ana Reyes, independent reviewing officer',
  response: 'accepted',
  advocateName: 'Lee Harper',
  advocateOrganisation: 'Speak Up Advocacy',
  childViews: 'I want to stay at my school.',
  heard: '',
  heardNote: '',
};

describe('the advocacy pages', () => {
  it('show the card on the child’s page with nothing recorded yet, and a link to record a meeting', async () => {
    const page = await browser.get(`/children/${childId}`);
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('Advocacy');
    expect(text).toContain('No care review or placement planning meeting recorded');
    expect(page.body).toContain(`href="/children/${childId}/advocacy/new"`);
  });

  it('answer a form with errors with an error summary, the Error: title and the typed values kept', async () => {
    await browser.get(`/children/${childId}/advocacy/new`);
    const res = await browser.post(`/children/${childId}/advocacy/new`, {
      ...meetingForm,
      'meetingOn-day': '31',
      'meetingOn-month': '2',
      offeredBy: '',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/<title>Error: /);
    expect(res.body).toContain('govuk-error-summary');
    expect(res.body).toContain('href="#meetingOn-day"');
    expect(textOf(res.body)).toContain('Enter the date of the meeting as a real date');
    expect(textOf(res.body)).toContain('Enter who offered advocacy, with their role');
    expect(res.body).toContain('value="Lee Harper"');
    expect(res.body).toContain('novalidate');
  });

  it('record a meeting, show it, list it and put it on the child’s card and chronology', async () => {
    await browser.get(`/children/${childId}/advocacy/new`);
    const res = await browser.post(`/children/${childId}/advocacy/new`, meetingForm);
    expect(res.statusCode).toBe(303);
    const location = String(res.headers.location);
    expect(location).toMatch(/^\/advocacy\/[0-9a-f-]{36}$/);
    const page = textOf((await browser.get(location)).body);
    expect(page).toContain('Care review');
    expect(page).toContain('20 May 2026');
    expect(page).toContain('Lee Harper, Speak Up Advocacy');
    expect(page).toContain('I want to stay at my school.');
    const list = textOf((await browser.get(`/children/${childId}/advocacy`)).body);
    expect(list).toContain('Offered, accepted');
    const card = textOf((await browser.get(`/children/${childId}`)).body);
    expect(card).toContain('1 recorded: advocacy offered for 1, accepted for 1');
    const chronology = textOf((await browser.get(`/children/${childId}/chronology`)).body);
    expect(chronology).toContain('Care review: advocacy offered, accepted');
  });

  it('ask why when an answer already given is changed, and show the change in the history', async () => {
    const { meetings } = await t.services.advocacy.forChild(
      await contextFor(t, 'social.mash@lantern.invalid'),
      childId,
    );
    const id = meetings[0]?.id ?? '';
    const form = await browser.get(`/advocacy/${id}/edit`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="Lee Harper"');
    const refused = await browser.post(`/advocacy/${id}/edit`, {
      ...meetingForm,
      advocateName: 'Lee Harper-Jones',
    });
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toContain('Enter why you are changing what was recorded');
    const saved = await browser.post(`/advocacy/${id}/edit`, {
      ...meetingForm,
      advocateName: 'Lee Harper-Jones',
      heard: 'yes',
      reason: 'The advocate’s full name',
    });
    expect(saved.statusCode).toBe(303);
    const page = textOf((await browser.get(`/advocacy/${id}`)).body);
    expect(page).toContain('Lee Harper Lee Harper-Jones');
    expect(page).toContain('The advocate’s full name');
  });

  it('mark a meeting entered in error after asking why', async () => {
    const { meetings } = await t.services.advocacy.forChild(
      await contextFor(t, 'social.mash@lantern.invalid'),
      childId,
    );
    const id = meetings[0]?.id ?? '';
    await browser.get(`/advocacy/${id}`);
    const refused = await browser.post(`/advocacy/${id}/entered-in-error`, { reason: '' });
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toContain('Enter why the meeting was entered in error');
    const done = await browser.post(`/advocacy/${id}/entered-in-error`, {
      reason: 'Recorded for the wrong child',
    });
    expect(done.statusCode).toBe(303);
    const page = await browser.get(`/advocacy/${id}`);
    expect(textOf(page.body)).toContain('Entered in error');
    expect(page.body).not.toContain(`/advocacy/${id}/edit`);
  });

  it('are not found for an agency with no access to the child', async () => {
    const other = new Browser(t.app);
    await other.signIn('neighbour.social@lantern.invalid');
    expect((await other.get(`/children/${childId}/advocacy`)).statusCode).toBe(404);
    expect((await other.get(`/children/${childId}/advocacy/new`)).statusCode).toBe(404);
  });
});
