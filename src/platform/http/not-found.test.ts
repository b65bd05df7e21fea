import { randomUUID } from 'node:crypto';
import { and, eq, gt, max } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { normalised } from '../../../test/support/html';
import { auditEvent } from '../audit/tables';
import { appUser } from '../auth/tables';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

async function userId(email: string): Promise<string> {
  const [row] = await t.services.withTransaction((tx) =>
    tx.select({ id: appUser.id }).from(appUser).where(eq(appUser.email, email)),
  );
  return row?.id ?? '';
}

describe('forbidden looks exactly like missing', () => {
  it('gives a user of another agency the same 404 as for a record that does not exist', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('agency.admin@lantern.invalid'); // West Yorkshire Police's administrator
    const ownColleague = await browser.get(`/admin/users/${await userId('coordinator@lantern.invalid')}`);
    expect(ownColleague.statusCode).toBe(200);

    const otherAgency = await browser.get(`/admin/users/${await userId('social.mash@lantern.invalid')}`);
    const missing = await browser.get(`/admin/users/${randomUUID()}`);
    const malformed = await browser.get('/admin/users/not-an-id');
    expect(otherAgency.statusCode).toBe(404);
    for (const other of [missing, malformed]) {
      expect(other.statusCode).toBe(404);
      expect(normalised(other.body)).toBe(normalised(otherAgency.body));
    }
  });

  it('answers a page the role may not use with the same 404', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('health@lantern.invalid');
    const forbidden = await browser.get('/admin/users');
    const missing = await browser.get('/admin/nothing');
    expect(forbidden.statusCode).toBe(404);
    expect(normalised(forbidden.body)).toBe(normalised(missing.body));
  });

  it('refuses a change to another agency’s user with the same 404, and changes nothing', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('agency.admin@lantern.invalid');
    await browser.get('/admin/users');
    const target = await userId('missing.lead@lantern.invalid');
    const res = await browser.post(`/admin/users/${target}/disable`, {});
    expect(res.statusCode).toBe(404);
    const [row] = await t.services.withTransaction((tx) =>
      tx.select().from(appUser).where(eq(appUser.id, target)),
    );
    expect(row?.disabledAt).toBeNull();
  });
});

describe('refusals are audited', () => {
  it('logs a refused record and a missing one alike, with the route and the id', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('agency.admin@lantern.invalid');
    const actor = await userId('agency.admin@lantern.invalid');
    const otherAgency = await userId('social.mash@lantern.invalid');
    const missing = randomUUID();
    const [last] = await t.services.withTransaction((tx) =>
      tx.select({ seq: max(auditEvent.seq) }).from(auditEvent),
    );
    expect((await browser.get(`/admin/users/${otherAgency}`)).statusCode).toBe(404);
    expect((await browser.get(`/admin/users/${missing}`)).statusCode).toBe(404);
    const refused = await t.services.withTransaction((tx) =>
      tx
        .select({ type: auditEvent.subjectType, id: auditEvent.subjectId })
        .from(auditEvent)
        .where(
          and(
            eq(auditEvent.action, 'access.refused'),
            eq(auditEvent.actorUserId, actor),
            gt(auditEvent.seq, last?.seq ?? 0),
          ),
        )
        .orderBy(auditEvent.seq),
    );
    expect(refused).toEqual([
      { type: 'GET /admin/users/:id', id: otherAgency },
      { type: 'GET /admin/users/:id', id: missing },
    ]);
  });
});
