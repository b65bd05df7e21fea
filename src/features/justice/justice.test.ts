import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import { loadConfig } from '../../config';
import { childAccess } from '../../platform/access/tables';
import { auditEvent } from '../../platform/audit/tables';
import type { Context } from '../../platform/context';
import { allocation } from '../allocation/tables';
import { Disposal } from '../retention/disposer';
import { JusticeService } from './justice.service';
import { justiceCase, justiceCaseStatus, justiceContact, justiceSupportReview } from './tables';

let t: TestApp;
let police: Context;
let social: Context;
let lead: Context;
let neighbour: Context;
let health: Context;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-06-01T09:00:00Z');
  police = await contextFor(t, 'police.mash@lantern.invalid');
  social = await contextFor(t, 'social.mash@lantern.invalid');
  lead = await contextFor(t, 'missing.lead@lantern.invalid');
  neighbour = await contextFor(t, 'neighbour.police@lantern.invalid');
  health = await contextFor(t, 'health@lantern.invalid');
});
afterAll(async () => {
  await t.close();
});

/** A looked-after Leeds child, missing in West Yorkshire so the force sees them, whose case the missing lead holds. */
async function childWithWorker(familyName: string) {
  const childId = await t.services.children.create(social, {
    givenName: 'Justine',
    familyName,
    lookedAfter: true,
    responsibleAuthorityCode: 'E08000035',
  });
  await t.services.episodes.report(social, childId, {
    kind: 'missing',
    startedAt: new Date('2026-05-20T20:00:00Z'),
    policeForceCode: 'E23000010',
  });
  await t.services.allocation.take(lead, 'child', childId);
  return childId;
}

const newCase = (childId: string, extra: Record<string, unknown> = {}) =>
  t.services.justice.create(police, childId, {
    crimeReference: '13/123456/26',
    status: 'investigating',
    statusOn: '2026-05-25',
    ...extra,
  });

const reviewsOf = (caseId: string) =>
  t.services.withTransaction((tx) =>
    tx.select().from(justiceSupportReview).where(eq(justiceSupportReview.caseId, caseId)),
  );

describe('justice case status', () => {
  it('keeps every status in the history with its date, newest first', async () => {
    const childId = await childWithWorker('History');
    const caseId = await newCase(childId);
    await t.services.justice.changeStatus(police, caseId, { status: 'charged', statusOn: '2026-05-28' });
    await t.services.justice.changeStatus(police, caseId, { status: 'trial', statusOn: '2026-05-30' });
    const c = await t.services.justice.get(police, caseId);
    expect(c.status).toBe('trial');
    expect(c.statusOn).toBe('2026-05-30');
    expect(c.history.map((h) => [h.status, h.statusOn])).toEqual([
      ['trial', '2026-05-30'],
      ['charged', '2026-05-28'],
      ['investigating', '2026-05-25'],
    ]);
    expect(c.history[0]?.by).toBe('Sam Okafor');
  });

  it('refuses a date in the future, one before the current stage, the same stage again, and an outcome without its text', async () => {
    const childId = await childWithWorker('Refusals');
    const caseId = await newCase(childId);
    const change = (input: Parameters<typeof t.services.justice.changeStatus>[2]) =>
      t.services.justice.changeStatus(police, caseId, input);
    await expect(change({ status: 'charged', statusOn: '2026-06-02' })).rejects.toMatchObject({
      fieldErrors: [{ field: 'statusOn', message: expect.stringContaining('today or in the past') }],
    });
    await expect(change({ status: 'charged', statusOn: '2026-05-24' })).rejects.toMatchObject({
      fieldErrors: [{ field: 'statusOn' }],
    });
    await expect(change({ status: 'investigating', statusOn: '2026-05-26' })).rejects.toMatchObject({
      fieldErrors: [{ field: 'status', message: 'The case is at this stage already' }],
    });
    await expect(change({ status: 'outcome', statusOn: '2026-05-26' })).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: ['outcome'], message: 'Enter the outcome of the trial' })],
    });
    expect((await t.services.justice.get(police, caseId)).history).toHaveLength(1);
  });
});

describe('the support review', () => {
  it.each([
    ['no further action', { status: 'no_further_action' as const }],
    ['discontinued by the prosecutor', { status: 'discontinued' as const }],
    ['an outcome after trial', { status: 'outcome' as const, outcome: 'Convicted of two offences' }],
  ])('is created when the case ends with %s, due 14 days later', async (_name, change) => {
    const childId = await childWithWorker(`Ends ${change.status}`);
    const caseId = await newCase(childId);
    const { supportReviewId } = await t.services.justice.changeStatus(police, caseId, {
      ...change,
      statusOn: '2026-05-31',
    });
    const reviews = await reviewsOf(caseId);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]?.id).toBe(supportReviewId);
    expect(reviews[0]?.dueAt.toISOString()).toBe(new Date(t.clock.now().getTime() + 14 * DAY).toISOString());
  });

  it('is not created while the case goes on: investigating, charged, trial', async () => {
    const childId = await childWithWorker('GoesOn');
    const caseId = await newCase(childId);
    for (const status of ['charged', 'trial'] as const) {
      const { supportReviewId } = await t.services.justice.changeStatus(police, caseId, {
        status,
        statusOn: '2026-05-30',
      });
      expect(supportReviewId).toBeNull();
    }
    expect(await reviewsOf(caseId)).toHaveLength(0);
  });

  it('goes to the child’s worker’s "my work", and leaves it when completed with an outcome', async () => {
    const childId = await childWithWorker('Worked');
    const caseId = await newCase(childId);
    const { supportReviewId } = await t.services.justice.changeStatus(police, caseId, {
      status: 'no_further_action',
      statusOn: '2026-05-31',
      note: 'Not enough evidence to charge',
    });
    const [owner] = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(allocation)
        .where(eq(allocation.subjectId, supportReviewId ?? '')),
    );
    expect(owner).toMatchObject({ subjectType: 'support_review', userId: lead.actor?.userId, childId });
    const work = await t.services.allocation.myWork(lead);
    const item = work.rows.find((r) => r.subjectId === supportReviewId);
    expect(item).toMatchObject({
      subjectType: 'support_review',
      href: `/support-reviews/${supportReviewId}`,
    });

    // Support ended needs a reason.
    await expect(
      t.services.justice.completeReview(lead, supportReviewId ?? '', { outcome: 'support_ended' }),
    ).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ['note'] })] });
    await t.services.justice.completeReview(lead, supportReviewId ?? '', {
      outcome: 'continue_support',
      note: 'The child wants to keep seeing the adviser',
    });
    const after = await t.services.allocation.myWork(lead);
    expect(after.rows.some((r) => r.subjectId === supportReviewId)).toBe(false);
    await expect(
      t.services.justice.completeReview(lead, supportReviewId ?? '', { outcome: 'continue_support' }),
    ).rejects.toMatchObject({ statusCode: 409 });
  });

  it('is one open review per case: ending again while one is open adds none', async () => {
    const childId = await childWithWorker('Twice');
    const caseId = await newCase(childId, { status: 'no_further_action' });
    await t.services.justice.changeStatus(police, caseId, {
      status: 'investigating',
      statusOn: '2026-05-26',
    });
    await t.services.justice.changeStatus(police, caseId, { status: 'discontinued', statusOn: '2026-05-27' });
    expect(await reviewsOf(caseId)).toHaveLength(1);
    const statuses = await t.services.withTransaction((tx) =>
      tx.select().from(justiceCaseStatus).where(eq(justiceCaseStatus.caseId, caseId)),
    );
    expect(statuses).toHaveLength(3);
  });
});

describe('the no-contact flag', () => {
  it('is raised when an open case has had no contact for 28 days, cleared by a contact, and never for an ended case', async () => {
    const childId = await childWithWorker('Quiet');
    const caseId = await newCase(childId);
    const clock = t.clock.now();
    expect((await t.services.justice.get(police, caseId)).noContact.flagged).toBe(false);

    t.clock.set(new Date(clock.getTime() + 27 * DAY));
    expect((await t.services.justice.get(police, caseId)).noContact.flagged).toBe(false);
    t.clock.set(new Date(clock.getTime() + 28 * DAY));
    expect((await t.services.justice.get(police, caseId)).noContact).toMatchObject({
      flagged: true,
      days: 28,
    });
    const flags = await t.services.justice.flagsForChild(social, childId);
    expect(flags).toEqual([
      {
        code: 'justice-no-contact',
        reason: 'Justice case 13/123456/26: no contact with the child or family for 28 days (the rule is 28)',
        href: `/justice-cases/${caseId}`,
      },
    ]);
    // On the child's risk panel, the flag opens the case.
    const browser = new Browser(t.app);
    await browser.signIn('social.mash@lantern.invalid');
    const childPage = await browser.get(`/children/${childId}`);
    expect(textOf(childPage.body)).toContain('No contact in a justice case');
    expect(childPage.body).toContain(
      `<a class="govuk-link" href="/justice-cases/${caseId}">Justice case 13/123456/26: no contact`,
    );

    await t.services.justice.recordContact(social, caseId, {
      contactAt: new Date(t.clock.now().getTime() - 3_600_000),
      contactWith: 'both',
      stage: 'before',
      method: 'in_person',
      note: 'Explained what happens next',
    });
    expect((await t.services.justice.get(police, caseId)).noContact.flagged).toBe(false);

    t.clock.set(new Date(clock.getTime() + 60 * DAY));
    expect((await t.services.justice.get(police, caseId)).noContact.flagged).toBe(true);
    await t.services.justice.changeStatus(police, caseId, {
      status: 'no_further_action',
      statusOn: '2026-07-30',
    });
    expect((await t.services.justice.get(police, caseId)).noContact.flagged).toBe(false);
    t.clock.set(clock);
  });

  it('follows JUSTICE_NO_CONTACT_DAYS', () => {
    const config = loadConfig({ NODE_ENV: 'test', JUSTICE_NO_CONTACT_DAYS: '7' });
    expect(config.justice).toEqual({ noContactDays: 7, supportReviewDays: 14 });
    const service = new JusticeService(t.services.withTransaction, t.services.allocation, config.justice);
    const c = {
      status: 'charged' as const,
      createdAt: new Date('2026-05-01T09:00:00Z'),
      enteredInErrorAt: null,
    };
    expect(service.noContact(c, null, new Date('2026-05-08T08:59:00Z')).flagged).toBe(false);
    expect(service.noContact(c, null, new Date('2026-05-08T09:00:00Z')).flagged).toBe(true);
  });
});

describe('open cases across children', () => {
  it('lists open cases longest without contact first, flags them by the rule, and leaves out ended ones', async () => {
    const clock = t.clock.now();
    const quiet = await newCase(await childWithWorker('Listquiet'), { crimeReference: '13/500001/26' });
    const spoken = await newCase(await childWithWorker('Listspoken'), { crimeReference: '13/500002/26' });
    const ended = await newCase(await childWithWorker('Listended'), { crimeReference: '13/500003/26' });
    await t.services.justice.changeStatus(police, ended, { status: 'discontinued', statusOn: '2026-05-30' });
    t.clock.set(new Date(clock.getTime() + 30 * DAY));
    await t.services.justice.recordContact(social, spoken, {
      contactAt: new Date(t.clock.now().getTime() - 3_600_000),
      contactWith: 'child',
      stage: 'before',
      method: 'phone',
    });

    const mine = (list: { cases: { rows: { crimeReference: string }[] } }) =>
      list.cases.rows.map((c) => c.crimeReference).filter((r) => r.startsWith('13/5000'));
    const all = await t.services.justice.openCases(social);
    expect(mine(all)).toEqual(['13/500001/26', '13/500002/26']);
    expect(all.cases.rows.find((c) => c.id === quiet)?.noContact).toMatchObject({ flagged: true, days: 30 });
    expect(all.cases.rows.find((c) => c.id === spoken)?.noContact.flagged).toBe(false);
    const without = await t.services.justice.openCases(social, { withoutContactOnly: true });
    expect(mine(without)).toEqual(['13/500001/26']);
    expect(without.cases.rows.every((c) => c.noContact.flagged)).toBe(true);
    expect(mine(await t.services.justice.openCases(neighbour))).toEqual([]);

    const browser = new Browser(t.app);
    await browser.signIn('social.mash@lantern.invalid');
    const page = await browser.get('/justice-cases?show=without-contact');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('Justice cases without contact');
    expect(text).toContain('13/500001/26');
    expect(text).toContain('No contact for 30 days');
    expect(text).not.toContain('13/500002/26');
    expect(text).not.toContain('13/500003/26');
    expect(page.body).toContain('href="/justice-cases"');
    const audited = await t.services.withTransaction((tx) =>
      tx.select().from(auditEvent).where(eq(auditEvent.action, 'justice-case.list')),
    );
    expect(audited.some((a) => a.subjectType === 'justice_case')).toBe(true);
    t.clock.set(clock);
  });

  it('pages through every open case once, 50 to a page, and refuses a page link that is not its own', async () => {
    const childId = await childWithWorker('Listmany');
    for (let i = 0; i < 55; i++)
      await newCase(childId, { crimeReference: `13/6${String(i).padStart(5, '0')}/26` });
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const { cases, total } = await t.services.justice.openCases(lead, { after });
      expect(cases.rows.length).toBeLessThanOrEqual(50);
      expect(total).toBeGreaterThanOrEqual(55);
      seen.push(...cases.rows.map((c) => c.id));
      after = cases.next ?? undefined;
      pages += 1;
    } while (after);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe((await t.services.justice.openCases(lead)).total);

    const browser = new Browser(t.app);
    await browser.signIn('missing.lead@lantern.invalid');
    const first = await browser.get('/justice-cases');
    expect(first.body).toMatch(/href="\/justice-cases\?after=[^"]+"/);
    const bad = await browser.get('/justice-cases?after=not-a-cursor');
    expect(bad.statusCode).toBe(400);
  });
});

describe('access to justice cases', () => {
  it('answers not found to an agency unrelated to the child', async () => {
    const childId = await childWithWorker('Unrelated');
    const caseId = await newCase(childId);
    await expect(t.services.justice.get(neighbour, caseId)).rejects.toMatchObject({ statusCode: 404 });
    await expect(t.services.justice.forChild(neighbour, childId)).rejects.toMatchObject({ statusCode: 404 });
    await expect(
      t.services.justice.changeStatus(neighbour, caseId, { status: 'charged', statusOn: '2026-05-30' }),
    ).rejects.toMatchObject({ statusCode: 404 });
  });

  it('shows nothing to a role without justice:view, even with access to the child', async () => {
    const childId = await childWithWorker('Withheld');
    const caseId = await newCase(childId);
    await t.services.withTransaction((tx) =>
      tx.insert(childAccess).values({
        childId,
        agencyId: health.actor?.agencyId ?? '',
        basis: 'case_team',
        validFrom: new Date('2026-05-01T00:00:00Z'),
      }),
    );
    await expect(t.services.justice.get(health, caseId)).rejects.toMatchObject({ statusCode: 404 });
    await expect(t.services.justice.forChild(health, childId)).rejects.toMatchObject({ statusCode: 404 });
    expect(await t.services.justice.flagsForChild(health, childId)).toEqual([]);

    const browser = new Browser(t.app);
    await browser.signIn('health@lantern.invalid');
    const page = await browser.get(`/children/${childId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('id="justice"');
    expect(textOf(page.body)).not.toContain('No contact in a justice case');
    expect(page.body).not.toContain('13/123456/26');
    expect((await browser.get(`/justice-cases/${caseId}`)).statusCode).toBe(404);
  });

  it('audits each read and change of a case', async () => {
    const childId = await childWithWorker('Audited');
    const caseId = await newCase(childId);
    await t.services.justice.get(social, caseId);
    const actions = await t.services.withTransaction((tx) =>
      tx.select({ action: auditEvent.action }).from(auditEvent).where(eq(auditEvent.subjectId, caseId)),
    );
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(['justice-case.create', 'justice-case.status', 'justice-case.view']),
    );
  });
});

describe('the justice pages', () => {
  it('show the card on the child’s page, and answer a bad form with the error summary and the typed values', async () => {
    const childId = await childWithWorker('Pages');
    const browser = new Browser(t.app);
    await browser.signIn('police.mash@lantern.invalid');
    await browser.get(`/children/${childId}/justice/new`);
    const bad = await browser.post(`/children/${childId}/justice/new`, {
      crimeReference: '13/999999/26',
      'statusOn-day': '31',
      'statusOn-month': '2',
      'statusOn-year': '2026',
    });
    expect(bad.statusCode).toBe(400);
    const text = textOf(bad.body);
    expect(bad.body).toContain('<title>Error: Add a justice case');
    expect(text).toContain('Select where the case stands');
    expect(text).toContain('Enter the date the case reached this stage as a real date');
    expect(bad.body).toContain('value="13/999999/26"');

    const good = await browser.post(`/children/${childId}/justice/new`, {
      crimeReference: '13/999999/26',
      status: 'investigating',
      'statusOn-day': '30',
      'statusOn-month': '5',
      'statusOn-year': '2026',
      supporterName: 'Alex Example',
    });
    expect(good.statusCode).toBe(303);
    const casePage = await browser.get(String(good.headers.location));
    expect(textOf(casePage.body)).toContain('Justice case 13/999999/26');
    const childPage = textOf((await browser.get(`/children/${childId}`)).body);
    expect(childPage).toContain('Justice');
    expect(childPage).toContain('1 (1 open)');
  });
});

describe('the child’s justice cases elsewhere', () => {
  it('are in the subject access export, whatever the producer’s justice permission', async () => {
    const childId = await childWithWorker('Subject');
    const caseId = await newCase(childId, { supporterName: 'Alex Example' });
    await t.services.justice.changeStatus(police, caseId, { status: 'discontinued', statusOn: '2026-05-30' });
    const exported = await t.services.subjectAccess.export(lead, childId);
    const section = exported.sections.find((x) => x.heading === 'Justice cases');
    expect(section?.records[0]?.title).toBe('Crime reference 13/123456/26');
    const fields = section?.records[0]?.fields ?? [];
    expect(fields).toContainEqual({
      label: 'Supporter',
      value: 'Alex Example',
      thirdParty: true,
    });
    expect(fields.map((x) => x.value)).toContain('Discontinued by the prosecutor since 2026-05-30');
  });

  it('go when the child is disposed of: cases, statuses, contacts, reviews and their allocation', async () => {
    const childId = await childWithWorker('Disposed');
    const caseId = await newCase(childId);
    await t.services.justice.recordContact(police, caseId, {
      contactAt: new Date('2026-05-31T10:00:00Z'),
      contactWith: 'child',
      stage: 'before',
      method: 'video',
    });
    const { supportReviewId } = await t.services.justice.changeStatus(police, caseId, {
      status: 'no_further_action',
      statusOn: '2026-05-31',
    });
    await t.services.withTransaction(async (tx) => {
      const disposal = await Disposal.start(tx);
      await disposal.remove('child', 'id', 'uuid', [childId]);
      await disposal.finish(childId);
    });
    const left = await t.services.withTransaction(async (tx) => ({
      cases: await tx.select().from(justiceCase).where(eq(justiceCase.id, caseId)),
      statuses: await tx.select().from(justiceCaseStatus).where(eq(justiceCaseStatus.caseId, caseId)),
      contacts: await tx.select().from(justiceContact).where(eq(justiceContact.caseId, caseId)),
      reviews: await tx.select().from(justiceSupportReview).where(eq(justiceSupportReview.caseId, caseId)),
      allocations: await tx
        .select()
        .from(allocation)
        .where(eq(allocation.subjectId, supportReviewId ?? '')),
    }));
    expect(left).toEqual({ cases: [], statuses: [], contacts: [], reviews: [], allocations: [] });
  });

  it('are in the chronology with their status changes and contacts, only for those who may see justice details', async () => {
    const childId = await childWithWorker('Chronicled');
    const caseId = await newCase(childId);
    await t.services.justice.recordContact(police, caseId, {
      contactAt: new Date('2026-05-31T10:00:00Z'),
      contactWith: 'family',
      stage: 'before',
      method: 'phone',
    });
    const seen = await t.services.chronology.page(social, childId, { types: ['justice'] });
    expect(seen.rows.map((r) => r.title)).toEqual([
      'Justice case: investigating',
      'Justice case: contact with the family',
    ]);
    expect(seen.rows[0]?.href).toBe(`/justice-cases/${caseId}`);
    await t.services.withTransaction((tx) =>
      tx.insert(childAccess).values({
        childId,
        agencyId: health.actor?.agencyId ?? '',
        basis: 'case_team',
        validFrom: new Date('2026-05-01T00:00:00Z'),
      }),
    );
    const hidden = await t.services.chronology.page(health, childId, {});
    expect(hidden.rows.some((r) => r.type === 'justice' || r.title.startsWith('Justice'))).toBe(false);
    // The same child's chronology, less the justice case's two events.
    const full = await t.services.chronology.page(social, childId, {});
    expect(full.total - hidden.total).toBe(2);
  });
});
