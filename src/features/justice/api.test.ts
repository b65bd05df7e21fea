import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';

let t: TestApp;
let police: string;
let neighbour: string;
let lead: string;

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-06-01T09:00:00Z');
  const tokenFor = async (email: string) => {
    const ctx = await contextFor(t, email);
    return (await t.services.apiTokens.create(ctx, 'case system')).token;
  };
  police = await tokenFor('police.mash@lantern.invalid');
  neighbour = await tokenFor('neighbour.police@lantern.invalid');
  lead = await tokenFor('missing.lead@lantern.invalid');
});
afterAll(async () => {
  await t.close();
});

const call = (token: string, method: 'GET' | 'POST', url: string, payload?: object, key?: string) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) },
    ...(payload ? { payload } : {}),
  });

async function newChild() {
  const social = await contextFor(t, 'social.mash@lantern.invalid');
  const childId = await t.services.children.create(social, {
    givenName: 'Apicase',
    familyName: 'Testchild',
    lookedAfter: true,
    responsibleAuthorityCode: 'E08000035',
  });
  await t.services.episodes.report(social, childId, {
    kind: 'missing',
    startedAt: new Date('2026-05-20T20:00:00Z'),
    policeForceCode: 'E23000010',
  });
  return childId;
}

describe('justice cases over the API', () => {
  it('creates a case, moves it to no further action with a support review, and records a contact, a statement and a special measure', async () => {
    const childId = await newChild();
    const created = await call(police, 'POST', `/children/${childId}/justice-cases`, {
      crimeReference: '13/555555/26',
      status: 'investigating',
      statusOn: '2026-05-25',
      supporterName: 'Alex Example',
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect(created.json()).toMatchObject({ status: 'investigating', supporter: { name: 'Alex Example' } });

    const nfa = await call(
      police,
      'POST',
      `/justice-cases/${id}/statuses`,
      { status: 'no_further_action', statusOn: '2026-05-31', note: 'Not enough evidence' },
      'nfa-1',
    );
    expect(nfa.statusCode).toBe(201);
    expect(nfa.json().history.map((h: { status: string }) => h.status)).toEqual([
      'no_further_action',
      'investigating',
    ]);
    expect(nfa.json().supportReviews).toHaveLength(1);
    // A retry with the same key gets the first answer and changes nothing.
    const again = await call(
      police,
      'POST',
      `/justice-cases/${id}/statuses`,
      { status: 'no_further_action', statusOn: '2026-05-31', note: 'Not enough evidence' },
      'nfa-1',
    );
    expect(again.statusCode).toBe(201);
    expect(again.json().history).toHaveLength(2);

    const contact = await call(police, 'POST', `/justice-cases/${id}/contacts`, {
      contactAt: '2026-05-31T15:00:00Z',
      contactWith: 'family',
      stage: 'after',
      method: 'phone',
    });
    expect(contact.statusCode).toBe(201);
    expect(contact.json().contacts[0]).toMatchObject({
      contactWith: 'family',
      stage: 'after',
      method: 'phone',
    });

    const statement = await call(police, 'POST', `/justice-cases/${id}/statements`, {
      kind: 'abe_interview',
      state: 'held',
      occurredOn: '2026-05-26',
    });
    expect(statement.json().statements[0]).toMatchObject({ kind: 'abe_interview', state: 'held' });

    const measure = await call(police, 'POST', `/justice-cases/${id}/special-measures`, {
      measure: 'live_link',
      requestedOn: '2026-05-27',
    });
    const measureId = measure.json().specialMeasures[0].id;
    const decided = await call(police, 'POST', `/justice-cases/${id}/special-measure-decisions`, {
      measureId,
      decision: 'granted',
      decidedOn: '2026-05-29',
    });
    expect(decided.json().specialMeasures[0]).toMatchObject({ decision: 'granted', decidedOn: '2026-05-29' });

    const list = await call(police, 'GET', `/children/${childId}/justice-cases`);
    expect(list.json().cases).toEqual([
      expect.objectContaining({ id, status: 'no_further_action', openReviews: 1 }),
    ]);
  });

  it('answers problem+json: 400 with the field for a bad body, 404 for another agency, alike for a missing case', async () => {
    const childId = await newChild();
    const bad = await call(police, 'POST', `/children/${childId}/justice-cases`, {
      crimeReference: '',
      status: 'arrested',
      statusOn: '2026-05-25',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');

    const created = await call(police, 'POST', `/children/${childId}/justice-cases`, {
      crimeReference: '13/666666/26',
      status: 'investigating',
      statusOn: '2026-05-25',
    });
    const id = created.json().id;
    const foreign = await call(neighbour, 'GET', `/justice-cases/${id}`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.headers['content-type']).toContain('application/problem+json');
    const missing = await call(police, 'GET', '/justice-cases/00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(foreign.json()).toEqual(missing.json());
    // The missing lead sees the child and may see justice cases: allowed.
    expect((await call(lead, 'GET', `/justice-cases/${id}`)).statusCode).toBe(200);
  });

  it('is described in the OpenAPI', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    const paths = Object.keys(res.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/children/{id}/justice-cases',
        '/api/v1/justice-cases/{id}',
        '/api/v1/justice-cases/{id}/statuses',
        '/api/v1/justice-cases/{id}/contacts',
        '/api/v1/justice-cases/{id}/special-measures',
        '/api/v1/justice-cases/{id}/statements',
      ]),
    );
  });
});
