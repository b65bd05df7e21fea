import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, DEMO_PASSWORD, type TestApp } from '../../../test/support/app';
import { apiToken, appUser } from '../../platform/auth/tables';
import { hashToken } from '../../platform/auth/tokens';
import { COURSE_GROOMING, providerWithHome } from './training.fixtures';

let t: TestApp;
let homeId: string;
beforeAll(async () => {
  t = await buildTestApp({ apiRateLimitPerMinute: 0 });
  ({ homeId } = await providerWithHome(t.services.withTransaction, t.clock.now(), DEMO_PASSWORD));
});
afterAll(async () => {
  await t.close();
});

async function tokenFor(email: string): Promise<string> {
  const token = `lnt_test_${randomUUID()}`;
  await t.services.withTransaction(async (tx) => {
    const [u] = await tx.select().from(appUser).where(eq(appUser.email, email));
    await tx
      .insert(apiToken)
      .values({ userId: u?.id ?? '', name: 'test', tokenHash: hashToken(token), createdAt: t.clock.now() });
  });
  return token;
}

const call = async (token: string, method: 'GET' | 'POST', url: string, body?: unknown, key?: string) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: {
      authorization: `Bearer ${token}`,
      ...(key ? { 'idempotency-key': key } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });

describe('the training API', () => {
  it('adds staff and records training once per idempotency key; the authority reads it; others get 404', async () => {
    const provider = await tokenFor('provider.admin@lantern.invalid');
    const courses = await call(provider, 'GET', '/training/courses');
    expect(courses.statusCode).toBe(200);
    expect(courses.json().courses.map((c: { title: string }) => c.title)).toContain(
      'Recognising grooming and exploitation',
    );

    const bad = await call(provider, 'POST', '/training/staff', { givenName: ' ', sector: 'pilot' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');

    const added = await call(provider, 'POST', '/training/staff', {
      givenName: 'Api',
      familyName: 'Example',
      sector: 'home_staff',
      homeId,
      agencyId: randomUUID(),
    });
    expect(added.statusCode).toBe(201);
    const staffId = added.json().id as string;
    expect(added.json()).toMatchObject({ current: true, trained: false, records: [] });

    const key = randomUUID();
    const body = { courseId: COURSE_GROOMING, completedOn: '2026-02-10', provider: 'Example trainer' };
    const first = await call(provider, 'POST', `/training/staff/${staffId}/records`, body, key);
    expect(first.statusCode).toBe(201);
    expect(first.json().records).toEqual([
      expect.objectContaining({ completedOn: '2026-02-10', validUntil: '2028-02-10', enteredInError: false }),
    ]);
    const again = await call(provider, 'POST', `/training/staff/${staffId}/records`, body, key);
    expect(again.statusCode).toBe(201);
    expect(again.json().records).toHaveLength(1);
    const duplicate = await call(provider, 'POST', `/training/staff/${staffId}/records`, body, randomUUID());
    expect(duplicate.statusCode).toBe(409);

    const list = await call(provider, 'GET', '/training/staff');
    expect(list.statusCode).toBe(200);
    expect(list.json().share).toEqual({ staff: 1, trained: 1, percent: 100 });
    expect(list.json().staff[0].records).toHaveLength(1);

    const leeds = await tokenFor('social.mash@lantern.invalid');
    expect((await call(leeds, 'GET', `/training/staff/${staffId}`)).statusCode).toBe(200);
    const report = await call(leeds, 'GET', '/training/report');
    expect(report.statusCode).toBe(200);
    expect(report.json().area).toEqual({ code: 'E08000035', name: 'Leeds' });
    expect(report.json().homes).toEqual([
      expect.objectContaining({ id: homeId, staff: 1, trained: 1, percent: 100 }),
    ]);
    expect(report.json().sectors).toEqual([{ sector: 'home_staff', staff: 1, trained: 1, percent: 100 }]);

    const neighbour = await tokenFor('neighbour.social@lantern.invalid');
    const hidden = await call(neighbour, 'GET', `/training/staff/${staffId}`);
    const missing = await call(neighbour, 'GET', `/training/staff/${randomUUID()}`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.body).toBe(missing.body);
    expect((await call(neighbour, 'GET', '/training/report?area=E08000035')).statusCode).toBe(404);
    const hotel = await tokenFor('hotel.admin@lantern.invalid');
    const write = await call(hotel, 'POST', `/training/staff/${staffId}/records`, body, randomUUID());
    expect(write.statusCode).toBe(404);
  });

  it('describes its routes in the OpenAPI', async () => {
    const docs = (await t.app.inject({ url: '/api/docs/json' })).json();
    for (const path of [
      '/api/v1/training/courses',
      '/api/v1/training/staff',
      '/api/v1/training/staff/{id}/records',
      '/api/v1/training/report',
    ]) {
      expect(Object.keys(docs.paths)).toContain(path);
    }
  });
});
