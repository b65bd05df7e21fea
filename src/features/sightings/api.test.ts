import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { systemContext } from '../../platform/context';
import { sighting } from './tables';

let t: TestApp;
let code: string;
let social: string;
let police: string;
let neighbour: string;

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-08-02T09:00:00Z');
  const tokenFor = async (email: string) => {
    const ctx = await contextFor(t, email);
    return (await t.services.apiTokens.create(ctx, 'case system')).token;
  };
  social = await tokenFor('social.mash@lantern.invalid');
  police = await tokenFor('police.mash@lantern.invalid');
  neighbour = await tokenFor('neighbour.social@lantern.invalid');
  const hotel = await contextFor(t, 'hotel.admin@lantern.invalid');
  code = (await t.services.sightings.issueCode(hotel, { label: 'Night desk' })).code;
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

/** A sighting reported through the hotel's code the evening before; no postcode, so it goes to Leeds. */
async function reported(): Promise<{ id: string; reference: string }> {
  const { reference } = await t.services.sightings.report(systemContext(t.clock), {
    code,
    seenAt: new Date('2026-08-01T21:30:00Z'),
    place: 'Canal Street Hotel, second floor',
    whatSeen: 'Two girls of about 14 taken to room 214 by three men who paid in cash',
    youngPeople: 'Two girls, about 14, school uniform under coats',
    adults: 'Three men in their thirties',
    vehicles: 'ab12 cde silver estate',
    roomNumbers: '214',
    reporterName: 'Night manager',
    reporterContact: '0113 496 0000',
  });
  const [row] = await t.services.withTransaction((tx) =>
    tx.select({ id: sighting.id }).from(sighting).where(eq(sighting.reference, reference)),
  );
  if (!row) throw new Error('sighting not saved');
  return { id: row.id, reference };
}

async function childSeenBy(email: string) {
  return t.services.children.create(await contextFor(t, email), {
    givenName: 'Apisighted',
    familyName: 'Testchild',
    lookedAfter: false,
  });
}

describe('sightings over the API', () => {
  it('lists a new sighting in the queue of the Leeds MASH, and not for a neighbouring authority', async () => {
    const { id, reference } = await reported();
    const queue = await call(police, 'GET', '/sightings');
    expect(queue.statusCode).toBe(200);
    const entry = queue.json().sightings.find((s: { id: string }) => s.id === id);
    expect(entry).toEqual({
      id,
      reference,
      seenAt: '2026-08-01T21:30:00.000Z',
      place: 'Canal Street Hotel, second floor',
      whatSeen: 'Two girls of about 14 taken to room 214 by three men who paid in cash',
      youngPeople: 'Two girls, about 14, school uniform under coats',
      adults: 'Three men in their thirties',
      vehicles: 'AB12 CDE SILVER ESTATE',
      roomNumbers: '214',
      reporterName: 'Night manager',
      reporterContact: '0113 496 0000',
      organisation: 'Canal Street Hotel',
      receivedAt: '2026-08-02T09:00:00.000Z',
      status: 'new',
      child: null,
    });
    const one = await call(social, 'GET', `/sightings/${id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(entry);

    const elsewhere = await call(neighbour, 'GET', '/sightings');
    expect(elsewhere.statusCode).toBe(200);
    expect(elsewhere.json().sightings.map((s: { id: string }) => s.id)).not.toContain(id);
    for (const res of [
      await call(neighbour, 'GET', `/sightings/${id}`),
      await call(neighbour, 'POST', `/sightings/${id}/keep`),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('links a sighting to a child once; a second attempt is a conflict', async () => {
    const { id } = await reported();
    const childId = await childSeenBy('social.mash@lantern.invalid');
    const linked = await call(social, 'POST', `/sightings/${id}/link`, { childId });
    expect(linked.statusCode).toBe(200);
    expect(linked.json()).toMatchObject({
      status: 'linked',
      child: { id: childId, givenName: 'Apisighted', familyName: 'Testchild' },
    });

    for (const again of [
      await call(social, 'POST', `/sightings/${id}/link`, { childId }),
      await call(police, 'POST', `/sightings/${id}/keep`),
    ]) {
      expect(again.statusCode).toBe(409);
      expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(again.json().detail).toBe('The sighting has already been dealt with');
    }
    const queue = await call(social, 'GET', '/sightings');
    expect(queue.json().sightings.map((s: { id: string }) => s.id)).not.toContain(id);
  });

  it('refuses a child the caller cannot see with a field error, leaving the sighting new', async () => {
    const { id } = await reported();
    const unseen = await childSeenBy('neighbour.social@lantern.invalid');
    const refused = await call(social, 'POST', `/sightings/${id}/link`, { childId: unseen });
    expect(refused.statusCode).toBe(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json().errors).toEqual([
      { field: 'childId', message: 'Select a child from the search results' },
    ]);
    expect((await call(social, 'GET', `/sightings/${id}`)).json().status).toBe('new');
  });

  it('refuses a bad body with problem+json field errors', async () => {
    const { id } = await reported();
    for (const body of [{ childId: 'not-an-id' }, {}]) {
      const bad = await call(social, 'POST', `/sightings/${id}/link`, body);
      expect(bad.statusCode).toBe(400);
      expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(['childId']);
    }
    expect((await call(social, 'GET', `/sightings/${id}`)).json().status).toBe('new');
  });

  it('keeps a sighting that matches no known child as intelligence', async () => {
    const { id } = await reported();
    const kept = await call(police, 'POST', `/sightings/${id}/keep`);
    expect(kept.statusCode).toBe(200);
    expect(kept.json()).toMatchObject({ id, status: 'intelligence', child: null });
  });

  it('is described in the OpenAPI document', async () => {
    const spec = (await t.app.inject({ url: '/api/docs/json' })).json();
    expect(spec.paths['/api/v1/sightings'].get).toBeDefined();
    expect(spec.paths['/api/v1/sightings/{id}'].get).toBeDefined();
    expect(spec.paths['/api/v1/sightings/{id}/link'].post).toBeDefined();
    expect(spec.paths['/api/v1/sightings/{id}/keep'].post).toBeDefined();
  });
});
