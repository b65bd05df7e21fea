import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import { auditEvent } from '../../platform/audit/tables';
import type { Context } from '../../platform/context';
import type { EvidencePack } from './evidence.service';

let t: TestApp;
let police: Context;
let social: Context;
let analyst: Context;
let health: Context;
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-06-01T12:00:00Z');
  police = await contextFor(t, 'police.mash@lantern.invalid');
  social = await contextFor(t, 'social.mash@lantern.invalid');
  analyst = await contextFor(t, 'analyst@lantern.invalid');
  health = await contextFor(t, 'health@lantern.invalid');
});
afterAll(async () => {
  await t.close();
});

const conditions = 'Not to be shared outside the force without the senior investigating officer’s agreement';

/** A child linked three ways to a person of concern, with a warning notice and its breach. */
async function scenario(givenName: string) {
  const childId = await t.services.children.create(social, {
    givenName,
    familyName: 'Example',
    dateOfBirth: '2012-04-01',
    lookedAfter: true,
    responsibleAuthorityCode: 'E08000035',
  });
  const episodeId = await t.services.episodes.report(social, childId, {
    kind: 'missing',
    startedAt: new Date('2026-05-30T20:00:00Z'),
    policeForceCode: 'E23000010',
    policeReference: 'WY-2026-0001',
  });
  const { id: personId } = await t.services.intelligence.createEntity(police, {
    kind: 'person',
    givenName: 'Evidence',
    familyName: `Person ${givenName}`,
  });
  const { id: phoneId } = await t.services.intelligence.createEntity(police, {
    kind: 'phone',
    number: `07700 900${String(100 + Math.floor(Math.random() * 800))}`,
  });
  const logId = await t.services.intelligence.addLogEntry(police, {
    childId,
    summary: 'Call from a neighbour: the child was seen getting into a car with the person',
    occurredAt: new Date('2026-05-29T18:00:00Z'),
  });
  const noticeId = await t.services.warningNotices.record(police, childId, {
    personId,
    servedOn: '2026-05-01',
    terms: 'Not to contact the child',
    reviewOn: '2026-11-01',
  });
  const seen = await t.services.intelligence.link(police, {
    childId,
    entityId: personId,
    type: 'seen_with',
    occurredAt: new Date('2026-05-29T18:00:00Z'),
    sourceType: 'log',
    sourceId: logId,
    sourceGrade: '2',
    informationGrade: 'B',
    handlingCode: 'P',
  });
  const found = await t.services.intelligence.link(police, {
    childId,
    entityId: personId,
    type: 'found_at',
    occurredAt: new Date('2026-05-31T09:00:00Z'),
    sourceType: 'episode',
    sourceId: episodeId,
    sourceGrade: '1',
    informationGrade: 'A',
    handlingCode: 'P',
  });
  const contacted = await t.services.intelligence.link(police, {
    childId,
    entityId: phoneId,
    type: 'contacted_by',
    occurredAt: new Date('2026-05-30T22:00:00Z'),
    sourceType: 'episode',
    sourceId: episodeId,
    sourceGrade: '2',
    informationGrade: 'C',
    handlingCode: 'C',
    handlingConditions: conditions,
  });
  const uses = await t.services.intelligence.link(police, {
    fromEntityId: personId,
    entityId: phoneId,
    type: 'uses',
    occurredAt: new Date('2026-05-28T10:00:00Z'),
    sourceType: 'log',
    sourceId: logId,
    sourceGrade: '2',
    informationGrade: 'C',
    handlingCode: 'P',
  });
  return { childId, episodeId, personId, phoneId, logId, noticeId, seen, found, contacted, uses };
}

const packAudits = (childId: string) =>
  t.services.withTransaction((tx) =>
    tx
      .select()
      .from(auditEvent)
      .where(and(eq(auditEvent.action, 'intelligence.evidence-pack'), eq(auditEvent.childId, childId))),
  );

describe('the evidence pack for a child', () => {
  it('lists each link with its source, grading, author, times and the audit row that recorded it, oldest first', async () => {
    const s = await scenario('Pack');
    const pack = await t.services.evidence.forChild(police, s.childId);
    expect(pack.marking).toBe('OFFICIAL-SENSITIVE');
    expect(pack.subject).toMatchObject({ type: 'child', id: s.childId, name: 'Pack Example' });
    expect(pack.entries.map((e) => e.linkId)).toEqual([s.seen, s.contacted, s.found]);

    const found = pack.entries.find((e) => e.linkId === s.found);
    expect(found).toMatchObject({
      type: 'found_at',
      occurredAt: '2026-05-31T09:00:00.000Z',
      recordedAt: '2026-06-01T12:00:00.000Z',
      from: { kind: 'child', id: s.childId, label: 'Pack Example' },
      to: { kind: 'person', id: s.personId },
      source: { type: 'episode', id: s.episodeId, visible: true },
      grading: { source: '1', information: 'A', handlingCode: 'P', code: '1A P', handlingConditions: null },
      author: { name: 'Sam Okafor', agency: 'West Yorkshire Police', agencyId: police.actor?.agencyId },
    });
    expect(found?.source.description).toContain('Missing from 30 May 2026 at 9pm');
    expect(found?.source.description).toContain('police reference WY-2026-0001');
    expect(found?.audit).toHaveLength(1);
    expect(found?.audit[0]?.requestId).toBe(police.requestId);
    const [row] = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(auditEvent)
        .where(and(eq(auditEvent.action, 'intelligence.link'), eq(auditEvent.subjectId, s.found))),
    );
    expect(found?.audit[0]).toMatchObject({ seq: row?.seq, id: row?.id });

    const seen = pack.entries.find((e) => e.linkId === s.seen);
    expect(seen?.source).toMatchObject({ type: 'log', id: s.logId });
    expect(seen?.source.description).toContain('seen getting into a car');
    const contacted = pack.entries.find((e) => e.linkId === s.contacted);
    expect(contacted?.grading).toMatchObject({ handlingCode: 'C', handlingConditions: conditions });
    expect(pack.conditionalEntries).toBe(1);

    expect(pack.warningNotices).toHaveLength(1);
    expect(pack.warningNotices[0]?.breaches.map((b) => b.linkId).sort()).toEqual([s.seen, s.found].sort());
  });

  it('shows another agency only what it may see: no link with handling code C from elsewhere', async () => {
    const s = await scenario('Shared');
    const pack = await t.services.evidence.forChild(social, s.childId);
    expect(pack.entries.map((e) => e.linkId)).toEqual([s.seen, s.found]);
    expect(pack.conditionalEntries).toBe(0);
  });

  it('is refused without the intelligence permission, and producing it is audited', async () => {
    const s = await scenario('Audited');
    await expect(t.services.evidence.forChild(health, s.childId)).rejects.toThrow('Not found');
    expect(await packAudits(s.childId)).toHaveLength(0);
    await t.services.evidence.forChild(police, s.childId);
    const rows = await packAudits(s.childId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      subjectType: 'child',
      subjectId: s.childId,
      requestId: police.requestId,
    });
  });
});

describe('the evidence pack for a person of concern', () => {
  it('lists the links to and from the person, their notices, and audits each child it shows', async () => {
    const s = await scenario('Entity');
    const pack = await t.services.evidence.forEntity(police, s.personId);
    expect(pack.subject).toMatchObject({ type: 'entity', kind: 'person', label: 'Evidence Person Entity' });
    expect(pack.entries.map((e) => e.linkId)).toEqual([s.uses, s.seen, s.found]);
    expect(pack.entries[0]?.from).toMatchObject({ kind: 'entity', id: s.personId });
    expect(pack.warningNotices.map((n) => n.id)).toEqual([s.noticeId]);
    expect(await packAudits(s.childId)).toHaveLength(1);

    // Without access to the child, only the link between entities is listed.
    const pack2 = await t.services.evidence.forEntity(analyst, s.personId);
    expect(pack2.entries.map((e) => e.linkId)).toEqual([s.uses]);
    expect(pack2.warningNotices).toHaveLength(0);
  });
});

describe('the evidence pages', () => {
  it('print the pack with the marking and conditions shown, give JSON, and answer 404 without the permission', async () => {
    const s = await scenario('Printed');
    const browser = new Browser(t.app);
    await browser.signIn('police.mash@lantern.invalid');
    const page = await browser.get(`/intelligence/evidence/child/${s.childId}`);
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('OFFICIAL-SENSITIVE');
    expect(text).toContain('Evidence pack');
    expect(text).toContain('1 entry carries handling code C');
    expect(text).toContain(`Handling code C. Conditions: ${conditions}`);
    expect(text).toContain('1A P: source 1, information A');
    expect(text).toContain('Sam Okafor, West Yorkshire Police');
    expect(text).toMatch(/Audit row \d+ \(/);
    expect(text).toContain('Served on 1 May 2026');
    expect(page.body).toContain('lantern-print-sheet');

    const json = await browser.get(`/intelligence/evidence/child/${s.childId}?format=json`);
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toContain('application/json');
    expect(json.headers['content-disposition']).toContain(`evidence-child-${s.childId}.json`);
    const pack = json.json() as EvidencePack;
    expect(pack.marking).toBe('OFFICIAL-SENSITIVE');
    expect(pack.entries).toHaveLength(3);
    expect(pack.entries.every((e) => e.audit.length === 1 && e.source.id && e.author.agency)).toBe(true);

    const entityPage = await browser.get(`/intelligence/evidence/entity/${s.personId}`);
    expect(entityPage.statusCode).toBe(200);
    expect(textOf(entityPage.body)).toContain('Evidence Person Printed');

    const other = new Browser(t.app);
    await other.signIn('health@lantern.invalid');
    expect((await other.get(`/intelligence/evidence/child/${s.childId}`)).statusCode).toBe(404);
    expect((await other.get(`/intelligence/evidence/entity/${s.personId}?format=json`)).statusCode).toBe(404);
    expect((await browser.get('/intelligence/evidence/child/not-an-id')).statusCode).toBe(404);
  });
});
