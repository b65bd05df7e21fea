import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { auditEvent } from '../../platform/audit/tables';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

async function viewsOf(childId: string): Promise<number> {
  const [row] = await t.services.withTransaction((tx) =>
    tx
      .select({ n: count() })
      .from(auditEvent)
      .where(and(eq(auditEvent.childId, childId), eq(auditEvent.action, 'child.view'))),
  );
  return Number(row?.n);
}

describe('children', () => {
  it('gives the recording agency access, and writes an audit event for every view of the child’s page', async () => {
    const ctx = await contextFor(t, 'social.mash@lantern.invalid');
    const id = await t.services.children.create(ctx, {
      givenName: 'Ada',
      familyName: 'Testchild',
      dateOfBirth: '2011-04-05',
    });
    const browser = new Browser(t.app);
    await browser.signIn('social.mash@lantern.invalid');
    expect(await viewsOf(id)).toBe(0);
    for (let i = 1; i <= 3; i++) {
      const page = await browser.get(`/children/${id}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Ada Testchild');
      expect(page.body).not.toMatch(/<title>[^<]*Ada/);
      expect(await viewsOf(id)).toBe(i);
    }
  });

  it('hides the child from an unrelated agency: 404 like a missing child, absent from its list, and no view audited', async () => {
    const ctx = await contextFor(t, 'social.mash@lantern.invalid');
    const id = await t.services.children.create(ctx, { givenName: 'Bea', familyName: 'Hiddenchild' });
    const browser = new Browser(t.app);
    await browser.signIn('neighbour.social@lantern.invalid');
    expect((await browser.get(`/children/${id}`)).statusCode).toBe(404);
    expect((await browser.get('/children')).body).not.toContain('Hiddenchild');
    expect(await viewsOf(id)).toBe(0);
  });
});
