import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import { agency } from '../../platform/agencies/tables';
import { auditEvent } from '../../platform/audit/tables';
import { alert } from '../alerts/tables';

let t: TestApp;
let childId: string;
const agencyId = async (name: string) => {
  const [row] = await t.services.withTransaction((tx) =>
    tx.select({ id: agency.id }).from(agency).where(eq(agency.name, name)),
  );
  return row?.id ?? '';
};

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-09-01T09:00:00Z');
  childId = await t.services.children.create(await contextFor(t, 'social.mash@lantern.invalid'), {
    givenName: 'Shared',
    familyName: 'Testchild',
    dateOfBirth: '2012-03-04',
    lookedAfter: false,
    policePersonId: 'WYP-PERSON-0042',
  });
});
afterAll(async () => {
  await t.close();
});

describe('a time-limited share', () => {
  it('lets an unrelated authority see the child until it ends, and is listed on the child’s page', async () => {
    const outsider = new Browser(t.app);
    await outsider.signIn('neighbour.social@lantern.invalid');
    expect((await outsider.get(`/children/${childId}`)).statusCode).toBe(404);

    const b = new Browser(t.app);
    await b.signIn('social.mash@lantern.invalid');
    await b.get(`/children/${childId}/shares/new`);
    const missing = await b.post(`/children/${childId}/shares/new`, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Select the lawful basis for sharing');
    const tooLong = await b.post(`/children/${childId}/shares/new`, {
      agencyId: await agencyId('North Yorkshire Council Children’s Services'),
      lawfulBasis: 'safeguarding_children',
      reason: 'The child has been seen in Scarborough with adults of concern',
      approvedBy: 'Jo Example, team manager',
      'until-day': '1',
      'until-month': '3',
      'until-year': '2027',
    });
    expect(tooLong.body).toContain('within 90 days');
    const shared = await b.post(`/children/${childId}/shares/new`, {
      agencyId: await agencyId('North Yorkshire Council Children’s Services'),
      lawfulBasis: 'safeguarding_children',
      reason: 'The child has been seen in Scarborough with adults of concern',
      approvedBy: 'Jo Example, team manager',
      'until-day': '8',
      'until-month': '9',
      'until-year': '2026',
    });
    expect(shared.statusCode).toBe(303);
    expect((await outsider.get(`/children/${childId}`)).statusCode).toBe(200);
    const page = textOf((await b.get(`/children/${childId}`)).body);
    expect(page).toContain('Who can see this child and why');
    expect(page).toContain('North Yorkshire Council Children’s Services Shared: Safeguarding of children');
    expect(page).toContain('approved by Jo Example, team manager');
    expect(page).toContain('Leeds City Council Children’s Services Recorded the child');

    // After the last day the share has ended: 404 again, with no job needed.
    t.clock.set('2026-09-09T00:30:00Z');
    const later = new Browser(t.app);
    await later.signIn('neighbour.social@lantern.invalid');
    expect((await later.get(`/children/${childId}`)).statusCode).toBe(404);
  });

  it('can be ended early, and the agency loses access at once', async () => {
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const shareId = await t.services.sharing.share(social, childId, {
      agencyId: await agencyId('North Yorkshire Police'),
      lawfulBasis: 'crime_and_disorder',
      reason: 'Investigation',
      approvedBy: 'Jo Example, team manager',
      until: '2026-09-30',
    });
    const police = await contextFor(t, 'neighbour.police@lantern.invalid');
    expect((await t.services.children.get(police, childId)).id).toBe(childId);
    await t.services.sharing.endShare(social, childId, shareId);
    await expect(t.services.children.get(police, childId)).rejects.toThrow('Not found');
  });
});

describe('break-glass', () => {
  it('gives one person access with a reason, alerts the agency, is listed for review and ends on time', async () => {
    t.clock.set('2026-09-10T01:00:00Z');
    const b = new Browser(t.app);
    await b.signIn('neighbour.police@lantern.invalid');
    await b.get('/break-glass');
    const fishing = await b.post('/break-glass', {
      givenName: 'Shared',
      familyName: 'Testchil',
      'dob-day': '4',
      'dob-month': '3',
      'dob-year': '2012',
      reason: 'Found alone at the station at 1am',
    });
    expect(fishing.statusCode).toBe(400);
    expect(fishing.body).toContain('No child matches exactly');
    const opened = await b.post('/break-glass', {
      identifier: 'wyp-person-0042',
      reason: 'Found alone at Scarborough station at 1am',
    });
    expect(opened.statusCode).toBe(303);
    expect(opened.headers.location).toBe(`/children/${childId}`);
    expect((await b.get(`/children/${childId}`)).statusCode).toBe(200);
    const police = await contextFor(t, 'neighbour.police@lantern.invalid');
    const [u] = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(alert)
        .where(and(eq(alert.kind, 'break-glass-used'), eq(alert.agencyId, police.actor?.agencyId ?? ''))),
    );
    expect(u?.priority).toBe('high');
    expect(u?.childId).toBeNull();
    const [used] = await t.services.withTransaction((tx) =>
      tx.select().from(auditEvent).where(eq(auditEvent.action, 'break-glass.use')),
    );
    expect(used?.childId).toBe(childId);
    // Four hours later it has ended.
    t.clock.set('2026-09-10T05:01:00Z');
    expect(await t.services.children.search(police, { identifier: 'WYP-PERSON-0042' })).toEqual([]);
  });
});
