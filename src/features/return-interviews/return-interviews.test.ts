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

/** A looked-after child of Leeds who went missing and came back at `returned`. */
async function returnedChild(familyName: string, returned: string) {
  const social = await contextFor(t, 'social.mash@lantern.invalid');
  const officer = await contextFor(t, 'police.mash@lantern.invalid');
  const childId = await t.services.children.create(social, {
    givenName: 'Back',
    familyName,
    lookedAfter: true,
    responsibleAuthorityCode: 'E08000035',
  });
  const started = new Date(new Date(returned).getTime() - 5 * 3_600_000);
  const id = await t.services.episodes.report(social, childId, {
    kind: 'missing',
    startedAt: started,
    policeForceCode: 'E23000010',
  });
  return t.services.episodes.close(officer, id, { endedAt: new Date(returned) });
}

describe('return interviews', () => {
  it('puts the commissioned service’s interviews in its queue, soonest due first, overdue ones leading', async () => {
    t.clock.set('2026-05-10T12:00:00Z');
    const later = await returnedChild('Later', '2026-05-10T09:00:00Z');
    const overdue = await returnedChild('Overdue', '2026-05-05T09:00:00Z');
    const worker = await contextFor(t, 'return.worker@lantern.invalid');
    const queue = await t.services.returnInterviews.queue(worker);
    expect(queue.rows.map((r) => r.interview.id)).toEqual([
      overdue.returnInterviewId,
      later.returnInterviewId,
    ]);
    expect(queue.overdue).toBe(1);

    const browser = new Browser(t.app);
    await browser.signIn('return.worker@lantern.invalid');
    const page = await browser.get('/return-interviews');
    expect(page.body).toContain('Overdue by 51 hours');
    expect(page.body).toContain('Due in 69 hours');
    expect(page.body.indexOf('Overdue')).toBeLessThan(page.body.indexOf('Later'));
  });

  it('records the interview only with an independent interviewer or the child’s chosen trusted adult', async () => {
    t.clock.set('2026-05-12T12:00:00Z');
    const { returnInterviewId } = await returnedChild('Interviewed', '2026-05-12T08:00:00Z');
    const browser = new Browser(t.app);
    await browser.signIn('return.worker@lantern.invalid');
    await browser.get(`/return-interviews/${returnInterviewId}`);
    const held = {
      outcome: 'held',
      'heldAt-day': '12',
      'heldAt-month': '5',
      'heldAt-year': '2026',
      'heldAt-hour': '11',
      'heldAt-minute': '00',
      heldWhere: 'Library',
      interviewerName: 'Leon Marsh',
      interviewerRole: 'Return interview worker',
      whyLeft: 'Argument at the home',
    };
    const notIndependent = await browser.post(`/return-interviews/${returnInterviewId}`, {
      ...held,
      interviewerIndependent: 'no',
      trustedAdultChosenByChild: 'no',
    });
    expect(notIndependent.statusCode).toBe(400);
    expect(notIndependent.body).toContain('must be independent of the child’s care');
    expect(notIndependent.body).toContain('value="Library"');
    const ok = await browser.post(`/return-interviews/${returnInterviewId}`, {
      ...held,
      interviewerIndependent: 'yes',
    });
    expect(ok.statusCode).toBe(303);
    const worker = await contextFor(t, 'return.worker@lantern.invalid');
    const row = await t.services.returnInterviews.get(worker, returnInterviewId);
    expect(row.interview).toMatchObject({
      status: 'held',
      whyLeft: 'Argument at the home',
      interviewerIndependent: true,
    });
    expect((await t.services.returnInterviews.queue(worker)).rows.map((r) => r.interview.id)).not.toContain(
      returnInterviewId,
    );
  });

  it('records that the child accepted an offered interview, and keeps it in the queue until it is held', async () => {
    t.clock.set('2026-05-12T18:00:00Z');
    const { returnInterviewId } = await returnedChild('Accepting', '2026-05-12T10:00:00Z');
    const url = `/return-interviews/${returnInterviewId}`;
    const browser = new Browser(t.app);
    await browser.signIn('return.worker@lantern.invalid');
    const due = await browser.get(url);
    expect(due.body).not.toContain('The child accepted the offer');
    const early = await browser.post(url, { outcome: 'accepted' });
    expect(early.statusCode).toBe(400);
    expect(early.body).toContain('Record the offer first');

    await browser.get(url);
    const offered = await browser.post(url, {
      outcome: 'offered',
      'offeredAt-day': '12',
      'offeredAt-month': '5',
      'offeredAt-year': '2026',
      'offeredAt-hour': '17',
      'offeredAt-minute': '00',
      offeredBy: 'Leon Marsh',
    });
    expect(offered.statusCode).toBe(303);
    const offeredPage = await browser.get(url);
    expect(offeredPage.body).toContain('The child accepted the offer');
    expect((await browser.post(url, { outcome: 'accepted' })).statusCode).toBe(303);

    const accepted = await browser.get(url);
    expect(accepted.body).toContain('Accepted');
    expect(accepted.body).not.toContain('The child accepted the offer');
    expect(accepted.body).not.toContain('The interview has been offered');
    expect(accepted.body).toContain('The interview was held');
    const worker = await contextFor(t, 'return.worker@lantern.invalid');
    const queued = (await t.services.returnInterviews.queue(worker)).rows.find(
      (r) => r.interview.id === returnInterviewId,
    );
    expect(queued?.interview.status).toBe('accepted');
    const queue = await browser.get('/return-interviews');
    expect(queue.body).toMatch(/Accepting<\/a>[\s\S]*?Accepted/);
    await expect(
      t.services.returnInterviews.record(worker, returnInterviewId, { outcome: 'accepted' }),
    ).rejects.toThrow('already accepted');
  });

  it('hides another agency’s interviews', async () => {
    t.clock.set('2026-05-13T12:00:00Z');
    const { returnInterviewId } = await returnedChild('Private', '2026-05-13T08:00:00Z');
    const york = new Browser(t.app);
    await york.signIn('neighbour.social@lantern.invalid');
    expect((await york.get(`/return-interviews/${returnInterviewId}`)).statusCode).toBe(404);
  });
});

describe('return interviews over the API', () => {
  it('records a held interview, refuses one without independence as problem+json, and is in the OpenAPI', async () => {
    t.clock.set('2026-05-14T12:00:00Z');
    const { returnInterviewId } = await returnedChild('Api', '2026-05-14T08:00:00Z');
    const worker = await contextFor(t, 'return.worker@lantern.invalid');
    const { token } = await t.services.apiTokens.create(
      { ...worker, permissions: new Set([...worker.permissions, 'api-token:own']) },
      'case system',
    );
    const call = (payload: object) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/return-interviews/${returnInterviewId}`,
        headers: { authorization: `Bearer ${token}` },
        payload,
      });
    const body = {
      outcome: 'held',
      heldAt: '2026-05-14T11:00:00Z',
      heldWhere: 'Library',
      interviewerName: 'Leon Marsh',
      interviewerRole: 'Worker',
      interviewerIndependent: false,
    };
    const refused = await call(body);
    expect(refused.statusCode).toBe(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json().errors[0].field).toBe('interviewerIndependent');
    expect((await t.services.returnInterviews.get(worker, returnInterviewId)).interview.status).toBe('due');
    const ok = await call({ ...body, interviewerIndependent: true });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'held', interviewerIndependent: true });
    const spec = (await t.app.inject({ url: '/api/docs/json' })).json();
    expect(spec.paths['/api/v1/return-interviews/{id}'].post).toBeDefined();
  });
});
