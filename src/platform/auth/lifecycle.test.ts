import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import { agency } from '../agencies/tables';
import { appUser } from './tables';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-09-01T09:00:00Z');
});
afterAll(async () => {
  await t.close();
});

const idOf = async (email: string) => {
  const [u] = await t.services.withTransaction((tx) =>
    tx.select().from(appUser).where(eq(appUser.email, email)),
  );
  return u?.id ?? '';
};
const agencyId = async (name: string) => {
  const [a] = await t.services.withTransaction((tx) => tx.select().from(agency).where(eq(agency.name, name)));
  return a?.id ?? '';
};

describe('account lifecycle', () => {
  it('moves a person to another agency: their access follows it, and their session and tokens end', async () => {
    const mover = new Browser(t.app);
    await mover.signIn('neighbour.social@lantern.invalid');
    const moverCtx = await contextFor(t, 'neighbour.social@lantern.invalid');
    const { token } = await t.services.apiTokens.create(moverCtx, 'Before the move');
    const childId = await t.services.children.create(await contextFor(t, 'social.mash@lantern.invalid'), {
      givenName: 'Moved',
      familyName: 'Testchild',
      lookedAfter: false,
    });
    expect((await mover.get(`/children/${childId}`)).statusCode).toBe(404);

    const admin = new Browser(t.app);
    await admin.signIn('hub.admin@lantern.invalid');
    const id = await idOf('neighbour.social@lantern.invalid');
    await admin.get(`/admin/users/${id}/move`);
    const wrongRole = await admin.post(`/admin/users/${id}/move`, {
      agencyId: await agencyId('West Yorkshire Police'),
      roles: 'social_care_mash_practitioner',
    });
    expect(wrongRole.statusCode).toBe(400);
    expect(wrongRole.body).toContain('govuk-error-summary');
    const moved = await admin.post(`/admin/users/${id}/move`, {
      agencyId: await agencyId('Leeds City Council Children’s Services'),
      roles: 'social_care_mash_practitioner',
    });
    expect(moved.statusCode).toBe(303);
    // The old session has ended, and so has the token.
    expect((await mover.get('/')).statusCode).toBe(303);
    const api = await t.app.inject({
      url: `/api/v1/children/${childId}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(api.statusCode).toBe(401);
    // Signed in again, they see what Leeds sees.
    const again = new Browser(t.app);
    await again.signIn('neighbour.social@lantern.invalid');
    expect((await again.get(`/children/${childId}`)).statusCode).toBe(200);
  });

  it('records the periodic access review', async () => {
    const admin = new Browser(t.app);
    await admin.signIn('hub.admin@lantern.invalid');
    const id = await idOf('analyst@lantern.invalid');
    await admin.get(`/admin/users/${id}`);
    expect(textOf((await admin.get(`/admin/users/${id}`)).body)).toContain('Access last confirmed Never');
    const confirmed = await admin.post(`/admin/users/${id}/confirm-access`, {});
    expect(confirmed.statusCode).toBe(303);
    expect(textOf((await admin.get(`/admin/users/${id}`)).body)).toContain(
      'Access last confirmed 1 September 2026',
    );
  });
});
