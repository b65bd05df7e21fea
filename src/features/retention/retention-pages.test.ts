import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { textOf } from '../../../test/support/html';
import { child } from '../../platform/access/tables';
import { auditEvent } from '../../platform/audit/tables';
import { apiToken, appUser } from '../../platform/auth/tables';
import { hashToken } from '../../platform/auth/tokens';

let t: TestApp;
let policeAgencyId: string;

/** A child the police force recorded in 2012, born in 1990: due for review long before now. */
async function oldChild(familyName: string): Promise<string> {
  return t.services.withTransaction(async (tx) => {
    const [row] = await tx
      .insert(child)
      .values({
        givenName: 'Probe',
        familyName,
        dateOfBirth: '1990-05-01',
        createdByAgencyId: policeAgencyId,
        createdAt: new Date('2012-01-10T09:00:00Z'),
      })
      .returning({ id: child.id });
    return row?.id ?? '';
  });
}

beforeAll(async () => {
  t = await buildTestApp();
  const [admin] = await t.services.withTransaction((tx) =>
    tx.select().from(appUser).where(eq(appUser.email, 'agency.admin@lantern.invalid')),
  );
  policeAgencyId = admin?.agencyId ?? '';
}, 240_000);
afterAll(async () => {
  await t?.close();
});

describe('the retention pages', () => {
  it('lists a due record to the agency’s administrator, who disposes of it only after confirming', async () => {
    const id = await oldChild('Retentionpage');
    const b = new Browser(t.app);
    await b.signIn('agency.admin@lantern.invalid');
    const list = await b.get('/admin/retention');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`/admin/retention/child/${id}`);
    // Administrators never see the child's name, only the reference.
    expect(list.body).not.toContain('Retentionpage');
    const review = await b.get(`/admin/retention/child/${id}`);
    expect(review.statusCode).toBe(200);
    expect(textOf(review.body)).toContain('Review this record');

    const blank = await b.post(`/admin/retention/child/${id}/dispose`, { disposeReason: ' ' });
    expect(blank.statusCode).toBe(400);
    expect(textOf(blank.body)).toContain('Enter the reason for your decision');
    expect(blank.body).toMatch(/<title>Error: /);

    const confirm = await b.post(`/admin/retention/child/${id}/dispose`, {
      disposeReason: 'No contact for six years',
    });
    expect(confirm.statusCode).toBe(200);
    expect(textOf(confirm.body)).toContain('Are you sure you want to dispose of this record?');
    const still = await t.services.withTransaction((tx) => tx.select().from(child).where(eq(child.id, id)));
    expect(still).toHaveLength(1);

    const done = await b.post(`/admin/retention/child/${id}/dispose/confirm`, {
      reason: 'No contact for six years',
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/admin/retention?done=disposed');
    const gone = await t.services.withTransaction((tx) => tx.select().from(child).where(eq(child.id, id)));
    expect(gone).toHaveLength(0);
    const after = await b.get('/admin/retention?done=disposed');
    expect(textOf(after.body)).toContain('The record is disposed of');
    expect(after.body).not.toContain(id);
    const events = await t.services.withTransaction((tx) =>
      tx.select().from(auditEvent).where(eq(auditEvent.subjectId, id)),
    );
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['retention.view', 'retention.dispose']),
    );
  });

  it('keeps a record for another period with a reason, after which it is no longer listed', async () => {
    const id = await oldChild('Retentionkeep');
    const b = new Browser(t.app);
    await b.signIn('agency.admin@lantern.invalid');
    await b.get(`/admin/retention/child/${id}`);
    const kept = await b.post(`/admin/retention/child/${id}/keep`, { keepReason: 'Prosecution pending' });
    expect(kept.statusCode).toBe(303);
    const list = await b.get('/admin/retention?type=child');
    expect(list.body).not.toContain(id);
    expect((await b.get(`/admin/retention/child/${id}`)).statusCode).toBe(404);
  });

  it('answers 404 to other agencies’ administrators and to roles without the permission, on pages and the API', async () => {
    const id = await oldChild('Retentionother');
    const neighbour = new Browser(t.app);
    await neighbour.signIn('hotel.admin@lantern.invalid');
    expect((await neighbour.get(`/admin/retention/child/${id}`)).statusCode).toBe(404);
    const social = new Browser(t.app);
    await social.signIn('social.mash@lantern.invalid');
    expect((await social.get('/admin/retention')).statusCode).toBe(404);
    // The hub's administrator sees every agency's records.
    const hub = new Browser(t.app);
    await hub.signIn('hub.admin@lantern.invalid');
    expect((await hub.get(`/admin/retention/child/${id}`)).statusCode).toBe(200);

    const token = `lnt_probe_${randomUUID()}`;
    await t.services.withTransaction(async (tx) => {
      const [u] = await tx.select().from(appUser).where(eq(appUser.email, 'agency.admin@lantern.invalid'));
      await tx.insert(apiToken).values({
        userId: u?.id ?? '',
        name: 'probe',
        tokenHash: hashToken(token),
        createdAt: t.clock.now(),
      });
    });
    const api = await t.app.inject({
      url: '/api/v1/retention/reviews?type=child',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(api.statusCode).toBe(200);
    const body = api.json() as { reviews: { recordId: string; agency: { id: string } | null }[] };
    expect(body.reviews.map((r) => r.recordId)).toContain(id);
    for (const r of body.reviews) expect(r.agency?.id).toBe(policeAgencyId);
    const spec = await t.app.inject({ url: '/api/docs/json' });
    expect(spec.body).toContain('/api/v1/retention/reviews');
  });
});
