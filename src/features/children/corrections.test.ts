import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import { auditEvent, auditReason } from '../../platform/audit/tables';
import { appUser } from '../../platform/auth/tables';
import type { Context } from '../../platform/context';
import { grantAccess } from './children.repository';
import { childCorrectableFields } from './tables';

let t: TestApp;
let social: Context;
const practitioner = 'social.mash@lantern.invalid';

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-04-01T09:00:00Z');
  social = await contextFor(t, practitioner);
});
afterAll(async () => {
  await t.close();
});

async function signedIn(email = practitioner) {
  const b = new Browser(t.app);
  await b.signIn(email);
  return b;
}

const newChild = (givenName: string, familyName = 'Testchild') =>
  t.services.children.create(social, {
    givenName,
    familyName,
    dateOfBirth: '2011-04-05',
    upn: 'A123456789012',
    lookedAfter: false,
  });

describe('correcting a child’s details', () => {
  it('keeps the old value in the history, with the reason and who made it, and shows it on the child’s page', async () => {
    const id = await newChild('History');
    const b = await signedIn();
    const form = await b.get(`/children/${id}/correct?field=dateOfBirth`);
    expect(form.statusCode).toBe(200);
    expect(textOf(form.body)).toContain('Recorded now: 5 April 2011');
    const saved = await b.post(`/children/${id}/correct`, {
      field: 'dateOfBirth',
      'value-day': '15',
      'value-month': '4',
      'value-year': '2011',
      reason: 'Taken from a letter with a typing error',
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/children/${id}#changes`);
    const page = textOf((await b.get(`/children/${id}`)).body);
    expect(page).toContain('Changes to these details');
    expect(page).toContain(
      'Date of birth 5 April 2011 15 April 2011 Taken from a letter with a typing error Priya Hale, Leeds City Council Children’s Services',
    );
    expect((await t.services.children.get(social, id)).dateOfBirth).toBe('2011-04-15');
    const [audit] = await t.services.withTransaction((tx) =>
      tx
        .select({ reason: auditReason.text })
        .from(auditEvent)
        .innerJoin(auditReason, eq(auditReason.id, auditEvent.reasonId))
        .where(and(eq(auditEvent.action, 'child.correct'), eq(auditEvent.childId, id))),
    );
    expect(audit?.reason).toBe('Taken from a letter with a typing error');
  });

  it('offers each detail with what is recorded now, then asks for the new value as recording does', async () => {
    const id = await newChild('Offered');
    const b = await signedIn();
    const first = textOf((await b.get(`/children/${id}/correct`)).body);
    expect(first).toContain('Which detail is wrong?');
    expect(first).toContain('Unique pupil number Now: A123456789012');
    for (const field of childCorrectableFields) {
      const page = await b.get(`/children/${id}/correct?field=${field}`);
      expect(page.statusCode, field).toBe(200);
      expect(page.body, field).toContain(`name="field" value="${field}"`);
    }
    expect((await b.get(`/children/${id}/correct?field=createdAt`)).statusCode).toBe(400);
  });

  it('makes the corrected name the one search finds', async () => {
    const id = await newChild('Searchable', 'Wrongname');
    await t.services.children.correct(social, id, {
      field: 'familyName',
      value: 'Pemberton',
      reason: 'Misheard on the phone',
    });
    const found = await t.services.children.search(social, { name: 'Pemberton' });
    expect(found.find((h) => h.child.id === id)?.matchedName).toBe('Searchable Pemberton');
    const old = await t.services.children.search(social, { name: 'Wrongname' });
    expect(old.map((h) => h.child.id)).not.toContain(id);
  });

  it('re-renders with the error summary for an invalid value, and changes nothing', async () => {
    const id = await newChild('Invalid');
    const b = await signedIn();
    await b.get(`/children/${id}/correct?field=upn`);
    const upn = await b.post(`/children/${id}/correct`, {
      field: 'upn',
      value: 'B12',
      reason: 'The school sent the right number',
    });
    expect(upn.statusCode).toBe(400);
    expect(upn.body).toContain('There is a problem');
    expect(upn.body).toContain('<title>Error:');
    expect(upn.body).toContain('Enter a unique pupil number of 13 characters');
    expect(upn.body).toContain('href="#value"');
    const dob = await b.post(`/children/${id}/correct`, {
      field: 'dateOfBirth',
      'value-day': '1',
      'value-month': '1',
      'value-year': '2090',
      reason: 'The birth certificate says otherwise',
    });
    expect(dob.statusCode).toBe(400);
    expect(dob.body).toContain('Date of birth must be in the past');
    expect(dob.body).toContain('href="#value-day"');
    const same = await b.post(`/children/${id}/correct`, {
      field: 'upn',
      value: 'a123456789012',
      reason: 'Checked with the school',
    });
    expect(same.statusCode).toBe(400);
    expect(same.body).toContain('The new value is the same as the old one');
    const c = await t.services.children.get(social, id);
    expect([c.upn, c.dateOfBirth]).toEqual(['A123456789012', '2011-04-05']);
    expect(await t.services.children.corrections(social, id)).toEqual([]);
  });

  it('asks why, and keeps cross-detail rules: a looked-after child has a responsible authority', async () => {
    const id = await newChild('Reasonless');
    const b = await signedIn();
    await b.get(`/children/${id}/correct?field=givenName`);
    const noReason = await b.post(`/children/${id}/correct`, {
      field: 'givenName',
      value: 'Reason',
      reason: '',
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Say why it is corrected');
    const noAuthority = await b.post(`/children/${id}/correct`, {
      field: 'lookedAfter',
      value: 'yes',
      reason: 'Accommodated under section 20 last week',
    });
    expect(noAuthority.statusCode).toBe(400);
    expect(noAuthority.body).toContain('Select the responsible authority of a looked-after child');
    const noDetail = await b.post(`/children/${id}/correct`, { value: 'x', reason: 'Some reason' });
    expect(noDetail.statusCode).toBe(400);
    expect(noDetail.body).toContain('Select the detail to correct');
    const c = await t.services.children.get(social, id);
    expect([c.givenName, c.lookedAfter]).toEqual(['Reasonless', false]);
    // In the right order, one detail at a time, it is allowed.
    await t.services.children.correct(social, id, {
      field: 'responsibleAuthorityCode',
      value: 'E08000035',
      reason: 'Accommodated by Leeds',
    });
    await t.services.children.correct(social, id, {
      field: 'lookedAfter',
      value: true,
      reason: 'Accommodated under section 20 last week',
    });
    expect((await t.services.children.get(social, id)).lookedAfter).toBe(true);
  });

  it('is a 404, page and POST, for a user of an unrelated authority', async () => {
    const id = await newChild('Elsewhere');
    const york = await signedIn('neighbour.social@lantern.invalid');
    expect((await york.get(`/children/${id}/correct`)).statusCode).toBe(404);
    await york.get('/children');
    const post = await york.post(`/children/${id}/correct`, {
      field: 'givenName',
      value: 'Changed',
      reason: 'Trying from another authority',
    });
    expect(post.statusCode).toBe(404);
    const bad = await york.post(`/children/${id}/correct`, { field: 'upn', value: 'B12', reason: '' });
    expect(bad.statusCode).toBe(404);
    expect((await t.services.children.get(social, id)).givenName).toBe('Elsewhere');
  });

  it('is a 404 for a role without the permission, even where the agency may see the child', async () => {
    const id = await newChild('Unpermitted');
    const [home] = await t.services.withTransaction((tx) =>
      tx.select().from(appUser).where(eq(appUser.email, 'home.staff@lantern.invalid')),
    );
    await t.services.withTransaction((tx) =>
      grantAccess(tx, {
        childId: id,
        agencyId: home?.agencyId ?? '',
        basis: 'share',
        validFrom: t.clock.now(),
      }),
    );
    const staff = await signedIn('home.staff@lantern.invalid');
    expect((await staff.get(`/children/${id}`)).statusCode).toBe(200);
    expect((await staff.get(`/children/${id}/correct`)).statusCode).toBe(404);
    const post = await staff.post(`/children/${id}/correct`, {
      field: 'givenName',
      value: 'Changed',
      reason: 'Trying without the permission',
    });
    expect(post.statusCode).toBe(404);
    expect((await t.services.children.get(social, id)).givenName).toBe('Unpermitted');
  });
});
