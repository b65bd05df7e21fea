import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { auditEvent } from '../../platform/audit/tables';
import { cseScreening } from './tables';

let t: TestApp;
let social: string;
let neighbour: string;

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-06-01T09:00:00Z');
  const tokenFor = async (email: string) => {
    const ctx = await contextFor(t, email);
    return (await t.services.apiTokens.create(ctx, 'case system')).token;
  };
  social = await tokenFor('social.mash@lantern.invalid');
  neighbour = await tokenFor('neighbour.social@lantern.invalid');
});
afterAll(async () => {
  await t.close();
});

const call = (token: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${token}` },
    ...(payload ? { payload } : {}),
  });

async function newChild() {
  return t.services.children.create(await contextFor(t, 'social.mash@lantern.invalid'), {
    givenName: 'Apiscreened',
    familyName: 'Testchild',
    lookedAfter: true,
    responsibleAuthorityCode: 'E08000035',
  });
}

const screeningsOf = (childId: string) =>
  t.services.withTransaction((tx) => tx.select().from(cseScreening).where(eq(cseScreening.childId, childId)));

const vulnerabilities = ['v_care', 'v_abuse', 'v_domestic', 'v_learning', 'v_mental', 'v_education'];
const significant = ['s_locations', 's_cars', 's_older_person'];
const current = (codes: string[]) => Object.fromEntries(codes.map((c) => [c, 'current']));

describe('CSE screening over the API', () => {
  it('serves the current tool with its indicators and bands', async () => {
    const res = await call(social, 'GET', '/screening-tool');
    expect(res.statusCode).toBe(200);
    const tool = res.json();
    expect(tool.version).toBe('2026.1');
    expect(tool.bands).toEqual({ mild: 6, moderate: 11, significant: 16 });
    expect(tool.indicators).toHaveLength(26);
    expect(tool.indicators[0]).toEqual({
      code: 'v_care',
      section: 'vulnerability',
      text: 'In care or placed out of area',
    });
  });

  it.each([
    ['5 vulnerabilities', current(vulnerabilities.slice(0, 5)), 5, 'not_at_risk'],
    ['6 vulnerabilities', current(vulnerabilities), 6, 'mild'],
    ['2 current significant indicators', current(significant.slice(0, 2)), 10, 'mild'],
    [
      '2 current significant indicators and a vulnerability',
      current(['v_care', ...significant.slice(0, 2)]),
      11,
      'moderate',
    ],
    ['3 current significant indicators', current(significant), 15, 'moderate'],
    [
      '3 current significant indicators and a past one',
      { ...current(significant), s_peers: 'past' },
      16,
      'significant',
    ],
  ])('scores %s as %i, %s', async (_, answers, score, level) => {
    const childId = await newChild();
    const res = await call(social, 'POST', `/children/${childId}/screenings`, {
      answers,
      reviewOn: '2026-09-01',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ childId, toolVersion: '2026.1', score, level });
    const points = (res.json().items as { points: number }[]).reduce((sum, i) => sum + i.points, 0);
    expect(points).toBe(score);
  });

  it('returns the screening with its items, and the history newest first with the prompts, audited', async () => {
    const childId = await newChild();
    const first = await call(social, 'POST', `/children/${childId}/screenings`, {
      answers: { v_care: 'current', s_cars: 'past', m_gifts: 'no' },
      reviewOn: '2026-07-01',
      notes: 'Carer worried about a new phone',
    });
    expect(first.json()).toMatchObject({
      score: 2,
      level: 'not_at_risk',
      reviewOn: '2026-07-01',
      notes: 'Carer worried about a new phone',
      screenedAt: '2026-06-01T09:00:00.000Z',
      items: [
        { code: 'v_care', section: 'vulnerability', answer: 'current', points: 1 },
        { code: 's_cars', section: 'significant', answer: 'past', points: 1 },
      ],
    });
    const one = await call(social, 'GET', `/screenings/${first.json().id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(first.json());

    t.clock.set('2026-07-02T09:00:00Z');
    const overdue = (await call(social, 'GET', `/children/${childId}/screenings`)).json();
    expect(overdue.prompts).toEqual(['The review was due on 1 July 2026']);
    const second = await call(social, 'POST', `/children/${childId}/screenings`, {
      answers: { v_care: 'current', s_cars: 'current' },
      reviewOn: '2026-10-01',
    });
    expect(second.json()).toMatchObject({ score: 6, level: 'mild' });
    const history = (await call(social, 'GET', `/children/${childId}/screenings`)).json();
    expect(history.screenings.map((s: { id: string }) => s.id)).toEqual([second.json().id, first.json().id]);
    expect(history.prompts).toEqual([]);
    const reads = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(auditEvent)
        .where(and(eq(auditEvent.childId, childId), eq(auditEvent.action, 'screening.history'))),
    );
    expect(reads).toHaveLength(2);
    t.clock.set('2026-06-01T09:00:00Z');
  });

  it('refuses a bad body with problem+json field errors and saves nothing', async () => {
    const childId = await newChild();
    const bad = await call(social, 'POST', `/children/${childId}/screenings`, {
      answers: { v_care: 'sometimes' },
      reviewOn: '1 September',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    const fields = (bad.json().errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['answers.v_care', 'reviewOn']));

    const unknown = await call(social, 'POST', `/children/${childId}/screenings`, {
      answers: { x_made_up: 'current' },
      reviewOn: '2026-09-01',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([
      { field: 'answers', message: 'Answer only the indicators of the tool' },
    ]);

    const past = await call(social, 'POST', `/children/${childId}/screenings`, {
      answers: {},
      reviewOn: '2026-06-01',
    });
    expect(past.statusCode).toBe(400);
    expect(past.json().errors).toEqual([
      { field: 'reviewOn', message: 'The next review must be after today' },
    ]);
    expect(await screeningsOf(childId)).toEqual([]);
  });

  it('answers 404 to an authority with no access to the child', async () => {
    const childId = await newChild();
    const { id } = (
      await call(social, 'POST', `/children/${childId}/screenings`, { answers: {}, reviewOn: '2026-09-01' })
    ).json();
    for (const res of [
      await call(neighbour, 'GET', `/screenings/${id}`),
      await call(neighbour, 'GET', `/children/${childId}/screenings`),
      await call(neighbour, 'POST', `/children/${childId}/screenings`, {
        answers: {},
        reviewOn: '2026-09-01',
      }),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(await screeningsOf(childId)).toHaveLength(1);
  });

  it('is described in the OpenAPI document', async () => {
    const spec = (await t.app.inject({ url: '/api/docs/json' })).json();
    expect(spec.paths['/api/v1/screening-tool'].get).toBeDefined();
    expect(spec.paths['/api/v1/children/{id}/screenings'].get).toBeDefined();
    expect(spec.paths['/api/v1/children/{id}/screenings'].post).toBeDefined();
    expect(spec.paths['/api/v1/screenings/{id}'].get).toBeDefined();
  });
});
