import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';

let t: TestApp;
let social: string;
let neighbour: string;
let police: string;
let childId: string;

beforeAll(async () => {
  t = await buildTestApp({ apiRateLimitPerMinute: 0 });
  t.clock.set('2026-06-01T09:00:00Z');
  const tokenFor = async (email: string) =>
    (await t.services.apiTokens.create(await contextFor(t, email), 'case system')).token;
  social = await tokenFor('social.mash@lantern.invalid');
  neighbour = await tokenFor('neighbour.social@lantern.invalid');
  police = await tokenFor('police.mash@lantern.invalid');
  childId = await t.services.children.create(await contextFor(t, 'social.mash@lantern.invalid'), {
    givenName: 'Apiadvocated',
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
  method: 'GET' | 'POST' | 'PATCH',
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

const body = {
  kind: 'placement_planning',
  meetingOn: '2026-05-28',
  offered: true,
  offeredOn: '2026-05-21',
  offeredBy: 'Ana Reyes, social worker',
  response: 'not_answered',
};

describe('advocacy over the API', () => {
  it('records a meeting once for one Idempotency-Key, gets it and lists it', async () => {
    const first = await call(social, 'POST', `/children/${childId}/advocacy-meetings`, body, {
      'idempotency-key': 'advocacy-1',
    });
    expect(first.statusCode).toBe(201);
    const again = await call(social, 'POST', `/children/${childId}/advocacy-meetings`, body, {
      'idempotency-key': 'advocacy-1',
    });
    expect(again.json().id).toBe(first.json().id);
    const list = await call(social, 'GET', `/children/${childId}/advocacy-meetings`);
    expect(list.json().meetings).toHaveLength(1);
    const one = await call(social, 'GET', `/advocacy-meetings/${first.json().id}`);
    expect(one.json()).toMatchObject({ kind: 'placement_planning', response: 'not_answered', changes: [] });
  });

  it('refuses a meeting that breaks the rules with problem+json naming the field', async () => {
    const res = await call(social, 'POST', `/children/${childId}/advocacy-meetings`, {
      ...body,
      offeredBy: undefined,
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(res.json().errors)).toContain('offeredBy');
  });

  it('updates only what is sent, keeps the history, and needs a reason to change an answer', async () => {
    const id = (await call(social, 'GET', `/children/${childId}/advocacy-meetings`)).json().meetings[0].id;
    const filled = await call(social, 'PATCH', `/advocacy-meetings/${id}`, {
      response: 'accepted',
      advocateName: 'Lee Harper',
      reason: 'The child said yes on the phone',
    });
    expect(filled.statusCode).toBe(200);
    expect(filled.json().response).toBe('accepted');
    const unexplained = await call(social, 'PATCH', `/advocacy-meetings/${id}`, { advocateName: 'Kim Lowe' });
    expect(unexplained.statusCode).toBe(400);
    expect(unexplained.json().errors).toEqual([
      { field: 'reason', message: 'Enter why you are changing what was recorded' },
    ]);
    const history = (await call(social, 'GET', `/advocacy-meetings/${id}`)).json().changes;
    expect(history.map((c: { field: string }) => c.field).sort()).toEqual(['advocateName', 'response']);
  });

  it('is not found for an unrelated agency, and refuses writes to a role without advocacy:record', async () => {
    const id = (await call(social, 'GET', `/children/${childId}/advocacy-meetings`)).json().meetings[0].id;
    expect((await call(neighbour, 'GET', `/advocacy-meetings/${id}`)).statusCode).toBe(404);
    expect((await call(neighbour, 'GET', `/children/${childId}/advocacy-meetings`)).statusCode).toBe(404);
    expect((await call(police, 'POST', `/children/${childId}/advocacy-meetings`, body)).statusCode).toBe(404);
    expect((await call(police, 'PATCH', `/advocacy-meetings/${id}`, { heard: 'yes' })).statusCode).toBe(404);
  });

  it('marks a meeting entered in error', async () => {
    const id = (await call(social, 'GET', `/children/${childId}/advocacy-meetings`)).json().meetings[0].id;
    const res = await call(social, 'POST', `/advocacy-meetings/${id}/entered-in-error`, {
      reason: 'Duplicate',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().enteredInErrorReason).toBe('Duplicate');
    expect((await call(social, 'PATCH', `/advocacy-meetings/${id}`, { heard: 'yes' })).statusCode).toBe(409);
  });

  it('is described in the OpenAPI', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/children/{id}/advocacy-meetings',
        '/api/v1/advocacy-meetings/{id}',
        '/api/v1/advocacy-meetings/{id}/entered-in-error',
        '/api/v1/reports/advocacy',
      ]),
    );
  });
});
