import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { notice } from './tables';

let t: TestApp;
let police: string;
let social: string;
let neighbour: string;
let childId: string;

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-09-01T09:00:00Z');
  const tokenFor = async (email: string) => {
    const ctx = await contextFor(t, email);
    return (await t.services.apiTokens.create(ctx, 'case system')).token;
  };
  police = await tokenFor('police.mash@lantern.invalid');
  social = await tokenFor('social.mash@lantern.invalid');
  neighbour = await tokenFor('neighbour.social@lantern.invalid');
  childId = await t.services.children.create(await contextFor(t, 'police.mash@lantern.invalid'), {
    givenName: 'Apinotice',
    familyName: 'Testchild',
    lookedAfter: true,
    responsibleAuthorityCode: 'E08000035',
  });
});
afterAll(async () => {
  await t.close();
});

const call = (
  token: string,
  method: 'GET' | 'POST',
  url: string,
  payload?: object,
  headers: Record<string, string> = {},
) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${token}`, ...headers },
    ...(payload ? { payload } : {}),
  });

const aNotice = {
  categories: ['sexual_exploitation'],
  whatHappened: 'Seen getting into a car with an older man outside school',
  source: 'School safeguarding lead',
};

const noticesAbout = async (id: string) =>
  t.services.withTransaction((tx) => tx.select().from(notice).where(eq(notice.childId, id)));

describe('child concern notices over the API', () => {
  it('puts a notice raised by a police system in the MASH queue of the child’s area', async () => {
    const raised = await call(police, 'POST', '/notices', { ...aNotice, childId });
    expect(raised.statusCode).toBe(201);
    const body = raised.json();
    expect(body).toMatchObject({
      child: { id: childId, givenName: 'Apinotice', familyName: 'Testchild' },
      categories: ['sexual_exploitation'],
      raisedByAgency: 'West Yorkshire Police',
      raisedAt: '2026-09-01T09:00:00.000Z',
      decisionDueAt: '2026-09-01T13:00:00.000Z',
      priority: null,
      decidedAt: null,
      area: { code: 'E08000035' },
      contributions: [],
      decision: null,
      earlierProposals: [],
    });
    expect(body.outcomes.map((o: { code: string }) => o.code)).toContain('strategy');

    const queue = await call(social, 'GET', '/notices');
    expect(queue.statusCode).toBe(200);
    const entry = queue.json().notices.find((n: { id: string }) => n.id === body.id);
    expect(entry).toMatchObject({ child: { id: childId }, raisedByAgency: 'West Yorkshire Police' });
    const decided = await call(social, 'GET', '/notices?decided=true');
    expect(decided.json().notices.map((n: { id: string }) => n.id)).not.toContain(body.id);
  });

  it('refuses a bad body with problem+json field errors and saves nothing', async () => {
    const before = (await noticesAbout(childId)).length;
    const bad = await call(police, 'POST', '/notices', {
      childId,
      categories: ['gossip'],
      whatHappened: '',
      source: 'School',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    const fields = (bad.json().errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['categories.0', 'whatHappened']));

    const nobody = await call(police, 'POST', '/notices', aNotice);
    expect(nobody.statusCode).toBe(400);
    expect(nobody.json().errors).toEqual([
      {
        field: 'unidentifiedDescription',
        message: 'Describe the young person, as they are not yet identified',
      },
    ]);
    expect((await noticesAbout(childId)).length).toBe(before);
  });

  it('makes a decision proposed by the police and confirmed by social care final; one side cannot confirm twice', async () => {
    const { id } = (await call(police, 'POST', '/notices', { ...aNotice, childId })).json();

    const prioritised = await call(social, 'POST', `/notices/${id}/priority`, { priority: 'amber' });
    expect(prioritised.statusCode).toBe(200);
    expect(prioritised.json()).toMatchObject({
      priority: 'amber',
      decisionDueAt: '2026-09-02T09:00:00.000Z',
    });

    const added = await call(social, 'POST', `/notices/${id}/information`, {
      information: 'Open child in need case; known to the exploitation team',
    });
    expect(added.statusCode).toBe(201);
    expect(added.json().contributions).toEqual([
      {
        agencyName: expect.any(String),
        userName: 'Priya Hale',
        information: 'Open child in need case; known to the exploitation team',
        createdAt: '2026-09-01T09:00:00.000Z',
      },
    ]);

    const proposed = await call(police, 'POST', `/notices/${id}/decisions`, {
      outcomeCode: 'strategy',
      rationale: 'Risk of sexual exploitation: a strategy discussion is needed',
    });
    expect(proposed.statusCode).toBe(201);
    expect(proposed.json().decision).toMatchObject({
      outcomeCode: 'strategy',
      outcomeLabel: 'Strategy discussion',
      strategyDiscussion: true,
      proposedBy: 'Sam Okafor',
      policeConfirmation: { by: 'Sam Okafor', at: '2026-09-01T09:00:00.000Z' },
      socialCareConfirmation: null,
      finalAt: null,
    });

    const again = await call(police, 'POST', `/notices/${id}/decisions/confirm`);
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.json().detail).toMatch(/police have already confirmed/);

    t.clock.advance(30 * 60_000);
    const confirmed = await call(social, 'POST', `/notices/${id}/decisions/confirm`);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({
      decidedAt: '2026-09-01T09:30:00.000Z',
      decision: {
        socialCareConfirmation: { by: 'Priya Hale', at: '2026-09-01T09:30:00.000Z' },
        finalAt: '2026-09-01T09:30:00.000Z',
      },
    });
    expect((await call(social, 'POST', `/notices/${id}/decisions/confirm`)).statusCode).toBe(409);

    const decided = await call(police, 'GET', '/notices?decided=true');
    expect(decided.json().notices.map((n: { id: string }) => n.id)).toContain(id);
    const waiting = await call(police, 'GET', '/notices');
    expect(waiting.json().notices.map((n: { id: string }) => n.id)).not.toContain(id);
  });

  it('lists a replaced proposal among the earlier ones', async () => {
    const { id } = (await call(police, 'POST', '/notices', { ...aNotice, childId })).json();
    await call(police, 'POST', `/notices/${id}/decisions`, { outcomeCode: 'advice', rationale: 'Low risk' });
    const replaced = await call(social, 'POST', `/notices/${id}/decisions`, {
      outcomeCode: 'cin',
      rationale: 'Needs an assessment',
    });
    expect(replaced.json().decision).toMatchObject({ outcomeCode: 'cin', proposedBy: 'Priya Hale' });
    expect(replaced.json().earlierProposals).toEqual([
      expect.objectContaining({ outcomeCode: 'advice', rationale: 'Low risk', proposedBy: 'Sam Okafor' }),
    ]);
  });

  it('answers 404 to an authority with no part in the notice', async () => {
    const { id } = (await call(police, 'POST', '/notices', { ...aNotice, childId })).json();
    for (const res of [
      await call(neighbour, 'GET', `/notices/${id}`),
      await call(neighbour, 'POST', `/notices/${id}/information`, { information: 'Nothing known' }),
      await call(neighbour, 'POST', `/notices/${id}/decisions/confirm`),
      await call(neighbour, 'POST', '/notices', { ...aNotice, childId }),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(
      (await call(neighbour, 'GET', '/notices')).json().notices.map((n: { id: string }) => n.id),
    ).not.toContain(id);
  });

  it('creates one notice when a POST is retried with the same Idempotency-Key', async () => {
    const other = await t.services.children.create(await contextFor(t, 'police.mash@lantern.invalid'), {
      givenName: 'Retried',
      familyName: 'Testchild',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    const key = { 'idempotency-key': 'force-ref-2026-0042' };
    const first = await call(police, 'POST', '/notices', { ...aNotice, childId: other }, key);
    const retry = await call(police, 'POST', '/notices', { ...aNotice, childId: other }, key);
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().id).toBe(first.json().id);
    expect(await noticesAbout(other)).toHaveLength(1);
  });

  it('is described in the OpenAPI document', async () => {
    const spec = (await t.app.inject({ url: '/api/docs/json' })).json();
    expect(spec.paths['/api/v1/notices'].post).toBeDefined();
    expect(spec.paths['/api/v1/notices'].get).toBeDefined();
    expect(spec.paths['/api/v1/notices/{id}'].get).toBeDefined();
    for (const step of ['priority', 'information', 'decisions', 'decisions/confirm']) {
      expect(spec.paths[`/api/v1/notices/{id}/${step}`]?.post, step).toBeDefined();
    }
  });
});
