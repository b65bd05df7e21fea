import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import { auditEvent } from '../../platform/audit/tables';
import { alert } from '../alerts/tables';
import { sighting } from './tables';

let t: TestApp;
let code: string;
let codeId: string;

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-08-01T22:00:00Z');
  const issued = await t.services.sightings.issueCode(await contextFor(t, 'hotel.admin@lantern.invalid'), {
    label: 'Night desk',
  });
  code = issued.code;
  codeId = issued.id;
});
afterAll(async () => {
  await t.close();
});

/** A report as the form sends it, seen at 10pm on 1 August 2026 (BST). */
const report = (extra: Record<string, string> = {}) => ({
  code,
  'seenAt-day': '1',
  'seenAt-month': '8',
  'seenAt-year': '2026',
  'seenAt-hour': '22',
  'seenAt-minute': '30',
  place: 'Canal Street Hotel, second floor',
  whatSeen: 'Two girls of about 14 taken to room 214 by three men who paid in cash',
  youngPeople: 'Two girls, about 14, school uniform under coats',
  adults: 'Three men in their thirties',
  vehicles: 'ab12 cde silver estate',
  roomNumbers: '214',
  ...extra,
});

async function publicBrowser() {
  const b = new Browser(t.app);
  await b.get('/report');
  return b;
}

describe('reporting a sighting with an access code', () => {
  it('accepts a report with a valid code, gives only a reference, and tells the MASH of the area', async () => {
    t.clock.set('2026-08-01T22:00:00Z');
    const b = await publicBrowser();
    const sent = await b.post('/report', report());
    expect(sent.statusCode).toBe(200);
    const reference = /S-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(sent.body)?.[0];
    expect(reference).toBeDefined();
    // The confirmation shows the reference and nothing of what was reported.
    expect(sent.body).not.toContain('room 214');
    const [row] = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(sighting)
        .where(eq(sighting.reference, reference ?? '')),
    );
    expect(row).toMatchObject({
      areaAuthorityCode: 'E08000035',
      vehicles: 'AB12 CDE SILVER ESTATE',
      status: 'new',
    });
    expect(row?.seenAt.toISOString()).toBe('2026-08-01T21:30:00.000Z');
    const alerted = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(alert)
        .where(eq(alert.subjectId, row?.id ?? '')),
    );
    expect(alerted).toHaveLength(2);
    // The reporter has no way to read it back: there is no page for it without an account.
    expect((await b.get(`/sightings/${row?.id}`)).statusCode).toBe(303);
  });

  it('refuses a wrong code and a revoked one with the same page, saving nothing', async () => {
    t.clock.set('2026-08-01T22:00:00Z');
    const count = async () => (await t.services.withTransaction((tx) => tx.select().from(sighting))).length;
    const before = await count();
    const wrong = await (await publicBrowser()).post('/report', report({ code: 'ZZZZ-ZZZZ-ZZZZ' }));
    const admin = await contextFor(t, 'hotel.admin@lantern.invalid');
    const revoked = await t.services.sightings.issueCode(admin, { label: 'Old code' });
    await t.services.sightings.revokeCode(admin, revoked.id);
    const refused = await (await publicBrowser()).post('/report', report({ code: revoked.code }));
    expect(wrong.statusCode).toBe(400);
    expect(refused.statusCode).toBe(400);
    const page = (body: string) =>
      textOf(
        body.replace(/<input type="hidden" name="_csrf" value="[^"]*">/, '').replace(/nonce="[^"]*"/g, ''),
      );
    expect(page(wrong.body)).toBe(page(refused.body));
    expect(wrong.body).toContain('The access code was not recognised');
    // What was typed is kept, apart from the code.
    expect(wrong.body).toContain('Canal Street Hotel, second floor');
    expect(wrong.body).not.toContain('ZZZZ-ZZZZ-ZZZZ');
    expect(await count()).toBe(before);
  });

  it('accepts a code typed in lower case, with spaces, or with O for 0', async () => {
    t.clock.set('2026-08-01T22:00:00Z');
    const typed = code.toLowerCase().replaceAll('-', ' ').replaceAll('0', 'o');
    const sent = await (await publicBrowser()).post('/report', report({ code: typed }));
    expect(sent.statusCode).toBe(200);
  });

  it('shows errors for missing answers and a time in the future', async () => {
    const b = await publicBrowser();
    const empty = await b.post('/report', { code });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('govuk-error-summary');
    expect(empty.body).toContain('Say what you saw');
    const future = await b.post('/report', report({ 'seenAt-day': '2' }));
    expect(future.body).toContain('When you saw it must be in the past');
  });

  it('answers rapid repeats from one address with 429', async () => {
    t.clock.set('2026-08-01T22:00:00Z');
    const b = await publicBrowser();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await b.post('/report', report({ whatSeen: `Report ${i}` }))).statusCode);
    expect(statuses.slice(0, 10).every((s) => s === 200 || s === 400)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it('answers rapid repeats with one code from many addresses with 429', async () => {
    t.clock.set('2026-08-01T22:00:00Z');
    const admin = await contextFor(t, 'hotel.admin@lantern.invalid');
    const busy = await t.services.sightings.issueCode(admin, { label: 'Busy desk' });
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      statuses.push((await (await publicBrowser()).post('/report', report({ code: busy.code }))).statusCode);
    }
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
  });
});

describe('access codes', () => {
  it('are issued and revoked by the organisation’s administrator, audited, and never shown again', async () => {
    const b = new Browser(t.app);
    await b.signIn('hotel.admin@lantern.invalid');
    await b.get('/sighting-codes');
    const issued = await b.post('/sighting-codes', { label: 'Bar staff' });
    const shown = /class="lantern-code">([0-9A-Z-]+)</.exec(issued.body)?.[1];
    expect(shown).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const list = await b.get('/sighting-codes');
    expect(list.body).toContain('Bar staff');
    expect(list.body).not.toContain(shown ?? 'none');
    const audits = await t.services.withTransaction((tx) =>
      tx.select().from(auditEvent).where(eq(auditEvent.action, 'sighting-code.issue')),
    );
    expect(audits.length).toBeGreaterThan(0);
    // No one else may manage them.
    const police = new Browser(t.app);
    await police.signIn('police.mash@lantern.invalid');
    expect((await police.get('/sighting-codes')).statusCode).toBe(404);
    expect(codeId).toBeTruthy();
  });
});

describe('the MASH deals with sightings', () => {
  it('links a sighting to a child, which puts it on the child’s chronology; a non-MASH user gets 404', async () => {
    t.clock.set('2026-08-02T09:00:00Z');
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const childId = await t.services.children.create(social, {
      givenName: 'Sighted',
      familyName: 'Testchild',
      lookedAfter: false,
    });
    const [first] = await t.services.withTransaction((tx) =>
      tx.select().from(sighting).where(eq(sighting.status, 'new')).limit(1),
    );
    const b = new Browser(t.app);
    await b.signIn('social.mash@lantern.invalid');
    const queue = await b.get('/mash/sightings');
    expect(queue.body).toContain(first?.reference ?? 'none');
    const found = await b.get(`/sightings/${first?.id}?name=Sighted%20Testchild`);
    expect(found.body).toContain('Sighted Testchild');
    const linked = await b.post(`/sightings/${first?.id}/link`, { childId });
    expect(linked.statusCode).toBe(303);
    const record = textOf((await b.get(`/children/${childId}`)).body);
    expect(record).toContain('Seen by staff of Canal Street Hotel');
    const again = await b.post(`/sightings/${first?.id}/keep`, {});
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('already been dealt with');

    const other = new Browser(t.app);
    await other.signIn('neighbour.social@lantern.invalid');
    expect((await other.get(`/sightings/${first?.id}`)).statusCode).toBe(404);
    const health = new Browser(t.app);
    await health.signIn('health@lantern.invalid');
    expect((await health.get('/mash/sightings')).statusCode).toBe(404);
  });
});
