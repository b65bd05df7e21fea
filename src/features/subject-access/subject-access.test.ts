import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import { auditEvent } from '../../platform/audit/tables';
import { seedDemoRecords } from '../../synth/demo-records';

let t: TestApp;
let childId: string;

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-11-26T12:00:00Z');
  await seedDemoRecords(t.services.withTransaction, t.clock);
  const social = await contextFor(t, 'social.mash@lantern.invalid');
  const [first] = (await t.services.children.list(social)).rows;
  childId = first?.id ?? '';
});
afterAll(async () => {
  await t.close();
});

describe('the subject access export', () => {
  it('lists every audit event of views of a demo child, and is itself audited', async () => {
    for (const email of [
      'social.mash@lantern.invalid',
      'police.mash@lantern.invalid',
      'missing.lead@lantern.invalid',
    ]) {
      const b = new Browser(t.app);
      await b.signIn(email);
      await b.get(`/children/${childId}`);
    }
    const views = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(auditEvent)
        .where(and(eq(auditEvent.childId, childId), eq(auditEvent.action, 'child.view'))),
    );
    expect(views.length).toBeGreaterThanOrEqual(2);
    const b = new Browser(t.app);
    await b.signIn('social.mash@lantern.invalid');
    const json = await b.get(`/children/${childId}/subject-access.json`);
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-disposition']).toContain('attachment');
    const exported = JSON.parse(json.body) as {
      accessLog: { at: string; action: string; person: string | null }[];
      sections: { heading: string; records: { fields: { thirdParty?: boolean }[] }[] }[];
    };
    const viewedAt = exported.accessLog.filter((e) => e.action === 'child.view').map((e) => e.at);
    for (const v of views) expect(viewedAt).toContain(v.occurredAt.toISOString());
    expect(exported.accessLog.filter((e) => e.action === 'child.view').length).toBe(views.length);
    expect(exported.sections.map((s) => s.heading)).toContain('Missing and absent episodes');
    const page = await b.get(`/children/${childId}/subject-access`);
    expect(textOf(page.body)).toContain('Who viewed or changed the record');
    const exports = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(auditEvent)
        .where(and(eq(auditEvent.childId, childId), eq(auditEvent.action, 'child.subject-access'))),
    );
    expect(exports).toHaveLength(2);
  });

  it('marks what names or describes other people for redaction', async () => {
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const id = await t.services.children.create(social, {
      givenName: 'Subject',
      familyName: 'Testchild',
      lookedAfter: false,
    });
    const episodeId = await t.services.episodes.report(social, id, {
      kind: 'missing',
      startedAt: new Date('2026-11-26T10:00:00Z'),
      possiblyWith: 'An older man called Example',
      policeForceCode: 'E23000010',
    });
    expect(episodeId).toBeTruthy();
    const exported = await t.services.subjectAccess.export(social, id);
    const episodes = exported.sections.find((s) => s.heading === 'Missing and absent episodes');
    const withWhom = episodes?.records[0]?.fields.find((f) => f.label === 'May be with');
    expect(withWhom).toEqual({
      label: 'May be with',
      value: 'An older man called Example',
      thirdParty: true,
    });
  });

  it('is not found for a role without the permission or an agency without access', async () => {
    const police = new Browser(t.app);
    await police.signIn('police.mash@lantern.invalid');
    expect((await police.get(`/children/${childId}/subject-access`)).statusCode).toBe(404);
    const other = new Browser(t.app);
    await other.signIn('neighbour.social@lantern.invalid');
    const leedsOnly = await t.services.children.create(await contextFor(t, 'social.mash@lantern.invalid'), {
      givenName: 'Leeds',
      familyName: 'Onlychild',
      lookedAfter: false,
    });
    expect((await other.get(`/children/${leedsOnly}/subject-access.json`)).statusCode).toBe(404);
  });
});
