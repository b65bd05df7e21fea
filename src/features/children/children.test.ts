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

describe('finding a child', () => {
  it('finds by near spelling, by alias, by date of birth and by identifier, only among children the agency may see', async () => {
    const leeds = await contextFor(t, 'social.mash@lantern.invalid');
    const york = await contextFor(t, 'neighbour.social@lantern.invalid');
    const katherine = await t.services.children.create(leeds, {
      givenName: 'Katherine',
      familyName: 'Smyth',
      dateOfBirth: '2010-02-14',
      upn: 'A123456789012',
      aliases: [{ givenName: 'Kat', familyName: 'Jones' }],
    });
    const other = await t.services.children.create(york, {
      givenName: 'Catherine',
      familyName: 'Smith',
      dateOfBirth: '2010-02-14',
    });

    const byNearSpelling = await t.services.children.search(leeds, { name: 'Catherine Smith' });
    expect(byNearSpelling.map((h) => h.child.id)).toEqual([katherine]);
    const bySound = await t.services.children.search(leeds, { name: 'Smith' });
    expect(bySound.map((h) => h.child.id)).toContain(katherine);
    const byAlias = await t.services.children.search(leeds, { name: 'Kat Jones' });
    expect(byAlias[0]).toMatchObject({ matchedAlias: true, matchedName: 'Kat Jones' });
    expect(
      (await t.services.children.search(leeds, { dateOfBirth: '2010-02-14' })).map((h) => h.child.id),
    ).toEqual([katherine]);
    expect(
      (await t.services.children.search(leeds, { identifier: 'a123456789012' })).map((h) => h.child.id),
    ).toEqual([katherine]);
    expect((await t.services.children.search(york, { name: 'Smith' })).map((h) => h.child.id)).toEqual([
      other,
    ]);
    expect(await t.services.children.search(leeds, { name: 'Zebedee' })).toEqual([]);
  });

  it('records a child from the form after showing every error, keeping what was typed', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('police.mash@lantern.invalid');
    await browser.get('/children/new');
    const bad = await browser.post('/children/new', {
      givenName: 'Rowan',
      familyName: '',
      'dob-day': '31',
      'dob-month': '2',
      'dob-year': '2012',
      lookedAfter: 'yes',
      upn: 'NOT-A-UPN',
    });
    expect(bad.statusCode).toBe(400);
    for (const message of [
      'Enter the child’s last name',
      'Date of birth must be a real date',
      'Select the responsible authority of a looked-after child',
      'Enter a unique pupil number of 13 characters',
    ]) {
      expect(bad.body).toContain(message);
    }
    expect(bad.body).toContain('value="Rowan"');
    const good = await browser.post('/children/new', {
      givenName: 'Rowan',
      familyName: 'Testerby',
      'dob-day': '3',
      'dob-month': '9',
      'dob-year': '2011',
      lookedAfter: 'yes',
      responsibleAuthorityCode: 'E08000035',
      legalStatus: 'C2',
      aliases: 'Ro Blake',
    });
    expect(good.statusCode).toBe(303);
    const page = await browser.get(good.headers.location as string);
    expect(page.body).toContain('Rowan Testerby');
    expect(page.body).toContain('Ro Blake');
    expect(page.body).toContain('Yes, by Leeds');
    expect(page.body).toContain('Full care order (C2)');
  });

  it('answers a bad API body with problem+json field errors and saves nothing', async () => {
    const ctx = await contextFor(t, 'police.mash@lantern.invalid');
    const { token } = await t.services.apiTokens.create(ctx, 'force system');
    const before = (await t.services.children.list(ctx)).rows.length;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/children',
      headers: { authorization: `Bearer ${token}` },
      payload: { givenName: 'Nobody', sex: 'X', lookedAfter: true },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const fields = (res.json().errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['familyName', 'sex']));
    expect((await t.services.children.list(ctx)).rows.length).toBe(before);

    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/children',
      headers: { authorization: `Bearer ${token}` },
      payload: { givenName: 'Api', familyName: 'Childe', dateOfBirth: '2013-01-01' },
    });
    expect(ok.statusCode).toBe(201);
    const found = await t.app.inject({
      url: '/api/v1/children?name=Api%20Child',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(found.json().results[0]).toMatchObject({ givenName: 'Api', familyName: 'Childe' });
  });
});
