import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import type { AdvocacyMeetingInput } from './schemas';

const LEEDS = 'E08000035';
const BRADFORD = 'E08000032';

let t: TestApp;
let social: string;
let police: string;

const offered = (
  kind: AdvocacyMeetingInput['kind'],
  meetingOn: string,
  response: 'accepted' | 'declined' | 'not_answered',
  extra: Partial<AdvocacyMeetingInput> = {},
): AdvocacyMeetingInput => ({
  kind,
  meetingOn,
  offered: true,
  offeredOn: meetingOn,
  offeredBy: 'Ana Reyes, social worker',
  response,
  ...extra,
});
const notOffered = (kind: AdvocacyMeetingInput['kind'], meetingOn: string): AdvocacyMeetingInput => ({
  kind,
  meetingOn,
  offered: false,
  notOfferedReason: 'The meeting was brought forward at a day’s notice',
});

/**
 * The hand-computed fixture, January to March 2026. Leeds: 8 meetings, 6 offered (75 %), 4 accepted
 * (66.7 % of offered), 3 accepted with views of which 2 heard (66.7 %). Care reviews: 5 meetings,
 * 4 offered (80 %), 3 accepted (75 %), 2 of 3 heard (66.7 %). Placement planning: 3 meetings, 2
 * offered (66.7 %), 1 accepted (50 %), none with views. Not counted: a Leeds meeting on 1 April, a
 * Leeds meeting entered in error, and Bradford's two meetings (which count for Bradford).
 */
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-06-01T09:00:00Z');
  const ctx = await contextFor(t, 'social.mash@lantern.invalid');
  const child = (responsibleAuthorityCode: string) =>
    t.services.children.create(ctx, {
      givenName: 'Rated',
      familyName: 'Testchild',
      lookedAfter: true,
      responsibleAuthorityCode,
    });
  const leeds = await child(LEEDS);
  const leeds2 = await child(LEEDS);
  const bradford = await child(BRADFORD);
  const views = { childViews: 'I want to see my brother more often.' };
  const record = (childId: string, input: AdvocacyMeetingInput) =>
    t.services.advocacy.record(ctx, childId, input);
  await record(leeds, offered('care_review', '2026-01-10', 'accepted', { ...views, heard: 'yes' }));
  await record(
    leeds,
    offered('care_review', '2026-02-10', 'accepted', {
      ...views,
      heard: 'partly',
      heardNote: 'Contact was not discussed',
    }),
  );
  await record(leeds2, offered('care_review', '2026-03-31', 'accepted', { ...views, heard: 'yes' }));
  await record(leeds2, offered('placement_planning', '2026-01-01', 'accepted'));
  await record(leeds, offered('placement_planning', '2026-02-20', 'declined'));
  await record(leeds2, offered('care_review', '2026-03-01', 'not_answered'));
  await record(leeds, notOffered('care_review', '2026-03-15'));
  await record(leeds2, notOffered('placement_planning', '2026-02-01'));
  // Outside the period, entered in error, another authority's: none of these count for Leeds.
  await record(leeds, offered('care_review', '2026-04-01', 'accepted', { ...views, heard: 'yes' }));
  const mistaken = await record(leeds, offered('care_review', '2026-02-11', 'accepted'));
  await t.services.advocacy.markEnteredInError(ctx, mistaken, 'Recorded twice');
  await record(bradford, offered('care_review', '2026-02-12', 'declined'));
  await record(bradford, notOffered('care_review', '2026-02-13'));

  const tokenFor = async (email: string) =>
    (await t.services.apiTokens.create(await contextFor(t, email), 'reports')).token;
  social = await tokenFor('social.mash@lantern.invalid');
  police = await tokenFor('police.mash@lantern.invalid');
});
afterAll(async () => {
  await t.close();
});

const get = (token: string, url: string) =>
  t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}` } });

const period = 'from=2026-01-01&to=2026-03-31';

describe('advocacy rates of an authority', () => {
  it('match the hand-computed fixture, overall and by kind of meeting', async () => {
    const res = await get(social, `/reports/advocacy?authority=${LEEDS}&${period}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.exact).toBe(true);
    const byKind = Object.fromEntries(body.rates.map((r: { kind: string }) => [r.kind, r]));
    expect(byKind.all).toEqual({
      kind: 'all',
      meetings: 8,
      offered: 6,
      accepted: 4,
      acceptedWithViews: 3,
      heard: 2,
      offeredRate: 75,
      acceptedRate: 66.7,
      heardRate: 66.7,
    });
    expect(byKind.care_review).toMatchObject({
      meetings: 5,
      offered: 4,
      accepted: 3,
      offeredRate: 80,
      acceptedRate: 75,
      heardRate: 66.7,
    });
    expect(byKind.placement_planning).toMatchObject({
      meetings: 3,
      offered: 2,
      accepted: 1,
      offeredRate: 66.7,
      acceptedRate: 50,
      heardRate: null,
    });
  });

  it('count another authority’s meetings for that authority only, suppressed under 3', async () => {
    const body = (await get(social, `/reports/advocacy?authority=${LEEDS}&${period}`)).json();
    const bradford = body.otherAuthorities.find((a: { code: string }) => a.code === BRADFORD);
    expect(bradford.rates.find((r: { kind: string }) => r.kind === 'all')).toMatchObject({
      meetings: null,
      offered: null,
      offeredRate: null,
    });
  });

  it('show the force counts of 3 or more and suppress smaller ones', async () => {
    const body = (await get(police, `/reports/advocacy?authority=${LEEDS}&${period}`)).json();
    expect(body.exact).toBe(false);
    const pp = body.rates.find((r: { kind: string }) => r.kind === 'placement_planning');
    expect(pp).toMatchObject({ meetings: 3, offered: null, accepted: null, offeredRate: null });
  });

  it('are not found for an authority of another force', async () => {
    const neighbour = (
      await t.services.apiTokens.create(await contextFor(t, 'neighbour.social@lantern.invalid'), 'r')
    ).token;
    expect((await get(neighbour, `/reports/advocacy?authority=${LEEDS}&${period}`)).statusCode).toBe(404);
  });

  it('are in the annual report, its CSV and its API, with the authorities side by side', async () => {
    const res = await get(social, `/reports/annual?area=${LEEDS}&${period}`);
    expect(res.statusCode).toBe(200);
    const sections = res.json().sections as { id: string; rows: unknown[][] }[];
    const advocacy = sections.find((s) => s.id === 'advocacy');
    expect(advocacy?.rows).toEqual([
      ['Care reviews', 5, 4, 80, 3, 75, 2, 66.7],
      ['Placement planning meetings', 3, 2, 66.7, 1, 50, 0, null],
      ['All meetings', 8, 6, 75, 4, 66.7, 2, 66.7],
    ]);
    const authorities = sections.find((s) => s.id === 'advocacy-authorities');
    expect(authorities?.rows).toContainEqual(['Leeds (this report)', 8, 6, 75, 4, 66.7, 2, 66.7]);
    expect(authorities?.rows).toContainEqual(['Bradford', null, null, null, 0, null, 0, null]);

    const browser = new Browser(t.app);
    await browser.signIn('social.mash@lantern.invalid');
    const csv = await browser.get(`/reports/annual/download.csv?area=${LEEDS}&${period}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('Independent advocacy');
    const page = await browser.get(
      `/reports/annual?area=${LEEDS}&from-day=1&from-month=1&from-year=2026&to-day=31&to-month=3&to-year=2026`,
    );
    expect(page.body).toContain('id="advocacy"');
  });
});
