import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import { agency } from '../../platform/agencies/tables';
import { auditEvent } from '../../platform/audit/tables';
import { systemContext } from '../../platform/context';
import { alert } from '../alerts/tables';
import { decisionDueFrom, eighteenthBirthday } from './at-18.service';

let t: TestApp;
let leedsId: string;
beforeAll(async () => {
  t = await buildTestApp();
  const [row] = await t.services.withTransaction((tx) =>
    tx.select({ id: agency.id }).from(agency).where(eq(agency.localAuthorityCode, 'E08000035')),
  );
  leedsId = row?.id ?? '';
});
afterAll(async () => {
  await t.close();
});

/** A looked-after child of Leeds born on the given date. */
async function childBornOn(dateOfBirth: string, familyName = 'Nearly') {
  const social = await contextFor(t, 'social.mash@lantern.invalid');
  return t.services.children.create(social, {
    givenName: 'Young',
    familyName,
    dateOfBirth,
    lookedAfter: true,
    responsibleAuthorityCode: 'E08000035',
  });
}

const alertsFor = (childId: string) =>
  t.services.withTransaction((tx) =>
    tx.select({ kind: alert.kind, agencyId: alert.agencyId }).from(alert).where(eq(alert.childId, childId)),
  );
const runJob = () => t.services.atEighteen.alertTurning18(systemContext(t.clock, 'job-test'));

describe('the 18th birthday', () => {
  it('falls on 1 March for someone born on 29 February, and the decision is due 28 days before it', () => {
    expect(eighteenthBirthday('2008-02-29')).toBe('2026-03-01');
    expect(eighteenthBirthday('2010-02-28')).toBe('2028-02-28');
    expect(decisionDueFrom('2008-07-01')).toBe('2026-06-03');
    expect(decisionDueFrom('2008-02-29')).toBe('2026-02-01');
  });
});

describe('the child.turning-18 job', () => {
  it('alerts the responsible authority once, 28 days before the 18th birthday and not before', async () => {
    const childId = await childBornOn('2008-07-01');
    t.clock.set('2026-06-02T07:00:00Z'); // 29 days before
    await runJob();
    expect(await alertsFor(childId)).toEqual([]);

    t.clock.set('2026-06-03T07:00:00Z'); // 28 days before
    await runJob();
    await runJob();
    expect(await alertsFor(childId)).toEqual([{ kind: 'child-turning-18', agencyId: leedsId }]);

    t.clock.set('2026-06-20T07:00:00Z');
    await runJob();
    expect(await alertsFor(childId)).toHaveLength(1);
  });

  it('alerts again on the birthday when nothing is decided, and not when a decision is recorded', async () => {
    const undecided = await childBornOn('2008-08-10', 'Undecided');
    const decided = await childBornOn('2008-08-10', 'Decided');
    t.clock.set('2026-07-13T07:00:00Z'); // 28 days before
    await runJob();
    const lead = await contextFor(t, 'missing.lead@lantern.invalid');
    await t.services.atEighteen.decide(lead, decided, {
      decision: 'hand_over',
      handedOverTo: 'Leaving care team',
      note: 'Personal adviser named',
    });
    t.clock.set('2026-08-10T07:00:00Z');
    await runJob();
    await runJob();
    expect((await alertsFor(undecided)).map((a) => a.kind).sort()).toEqual([
      'child-turned-18',
      'child-turning-18',
    ]);
    expect((await alertsFor(decided)).map((a) => a.kind)).toEqual(['child-turning-18']);
  });
});

describe('the decision at 18', () => {
  it('is refused before it is due, recorded once by the responsible authority, and shown on the child’s page', async () => {
    t.clock.set('2026-09-01T09:00:00Z');
    const childId = await childBornOn('2008-10-20', 'Handed');
    const url = `/children/${childId}/at-18`;
    let lead = new Browser(t.app);
    await lead.signIn('missing.lead@lantern.invalid');
    const early = await lead.get(url);
    expect(early.statusCode).toBe(200);
    expect(textOf(early.body)).toContain('can be recorded from 22 September 2026');
    expect(early.body).not.toContain('Hand over the record</button>');
    expect(textOf((await lead.get(`/children/${childId}`)).body)).not.toContain('At 18');
    const tooSoon = await lead.post(url, { decision: 'close', note: 'Moved away' });
    expect(tooSoon.statusCode).toBe(400);
    expect(textOf(tooSoon.body)).toContain('The decision can be recorded from 22 September 2026');

    t.clock.set('2026-10-01T09:00:00Z');
    lead = new Browser(t.app);
    await lead.signIn('missing.lead@lantern.invalid');
    const childPage = await lead.get(`/children/${childId}`);
    expect(childPage.body).toContain(`href="/children/${childId}/at-18"`);
    await lead.get(url);
    const incomplete = await lead.post(url, { decision: 'hand_over', note: 'Adviser named' });
    expect(incomplete.statusCode).toBe(400);
    expect(textOf(incomplete.body)).toContain('Enter the team or service the record is handed over to');
    const done = await lead.post(url, {
      decision: 'hand_over',
      handedOverTo: 'Leeds leaving care team',
      note: 'Personal adviser named; pathway plan shared',
    });
    expect(done.statusCode).toBe(303);

    const shown = textOf((await lead.get(`/children/${childId}`)).body);
    expect(shown).toContain('Handed over');
    expect(shown).toContain('Leeds leaving care team');
    expect(shown).toContain('1 October 2026 at 10am by Ruth Ashdown');
    expect(shown).not.toContain('Report missing or absent');

    await lead.get(url);
    const again = await lead.post(url, { decision: 'close', note: 'Changed my mind' });
    expect(again.statusCode).toBe(400);
    const [audited] = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(auditEvent)
        .where(and(eq(auditEvent.action, 'child.hand-over'), eq(auditEvent.childId, childId))),
    );
    expect(audited?.subjectId).toBe(childId);
  });

  it('is a 404 for an authority with no relationship to the child', async () => {
    t.clock.set('2026-10-02T09:00:00Z');
    const childId = await childBornOn('2008-01-15', 'Unrelated');
    const york = new Browser(t.app);
    await york.signIn('neighbour.social@lantern.invalid');
    expect((await york.get(`/children/${childId}/at-18`)).statusCode).toBe(404);
    expect((await york.post(`/children/${childId}/at-18`, { decision: 'close', note: 'x' })).statusCode).toBe(
      404,
    );
    expect(
      (await t.services.atEighteen.status(await contextFor(t, 'social.mash@lantern.invalid'), childId))
        .status,
    ).toBe('open');
  });
});

describe('a closed record', () => {
  it('takes no new episode, on the page or over the API, and leaves the overdue reviews', async () => {
    t.clock.set('2026-10-03T09:00:00Z');
    const childId = await childBornOn('2008-03-05', 'Closed');
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const police = await contextFor(t, 'police.mash@lantern.invalid');
    // An episode still open, graded with a review now overdue.
    const episodeId = await t.services.episodes.report(social, childId, {
      kind: 'missing',
      startedAt: new Date('2026-10-03T06:00:00Z'),
      policeForceCode: 'E23000010',
    });
    await t.services.episodes.grade(police, episodeId, {
      grade: 'medium',
      rationale: 'Known associates',
      nextReviewAt: new Date('2026-10-03T10:00:00Z'),
    });
    t.clock.set('2026-10-03T11:00:00Z');
    const overdue = async () =>
      (await t.services.episodes.overdueReviews(police)).rows.map((r) => r.episodeId);
    expect(await overdue()).toContain(episodeId);

    await t.services.atEighteen.decide(social, childId, {
      decision: 'close',
      note: 'Returned to family abroad',
    });
    expect(await overdue()).not.toContain(episodeId);

    const browser = new Browser(t.app);
    await browser.signIn('social.mash@lantern.invalid');
    await browser.get(`/children/${childId}/episodes/new`);
    const page = await browser.post(`/children/${childId}/episodes/new`, {
      kind: 'missing',
      'startedAt-day': '3',
      'startedAt-month': '10',
      'startedAt-year': '2026',
      'startedAt-hour': '10',
      'startedAt-minute': '00',
      policeForceCode: 'E23000010',
    });
    expect(page.statusCode).toBe(400);
    expect(textOf(page.body)).toContain('This record is closed, so no new episode can be reported here');

    const { token } = await t.services.apiTokens.create(
      { ...social, permissions: new Set([...social.permissions, 'api-token:own']) },
      'case system',
    );
    const api = await t.app.inject({
      method: 'POST',
      url: `/api/v1/children/${childId}/episodes`,
      headers: { authorization: `Bearer ${token}` },
      payload: { kind: 'missing', startedAt: '2026-10-03T10:00:00Z', policeForceCode: 'E23000010' },
    });
    expect(api.statusCode).toBe(409);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(api.json().detail).toContain('This record is closed');
  });
});
