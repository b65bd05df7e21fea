import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { agency } from '../../platform/agencies/tables';
import type { Context } from '../../platform/context';
import { systemContext } from '../../platform/context';
import { type AlertKind, alert } from '../alerts/tables';
import { notice, noticeDecision, triageDeadline } from './tables';

let t: TestApp;
let leedsSocial: Context;
let leedsPolice: Context;
let northSocial: Context;
let northPolice: Context;
let childId: string;

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-09-01T09:00:00Z');
  leedsSocial = await contextFor(t, 'social.mash@lantern.invalid');
  leedsPolice = await contextFor(t, 'police.mash@lantern.invalid');
  northSocial = await contextFor(t, 'neighbour.social@lantern.invalid');
  northPolice = await contextFor(t, 'neighbour.police@lantern.invalid');
  childId = await t.services.children.create(leedsSocial, {
    givenName: 'Noticed',
    familyName: 'Testchild',
    lookedAfter: true,
    responsibleAuthorityCode: 'E08000035',
  });
});
afterAll(async () => {
  await t.close();
});

const alertsFor = (noticeId: string, kind: AlertKind) =>
  t.services.withTransaction((tx) =>
    tx
      .select({ agency: agency.name, priority: alert.priority })
      .from(alert)
      .innerJoin(agency, eq(agency.id, alert.agencyId))
      .where(and(eq(alert.subjectId, noticeId), eq(alert.kind, kind))),
  );

describe('raising a notice', () => {
  it('lands in the MASH queue of the child’s area, for police and social care there and no one else', async () => {
    const id = await t.services.notices.raise(leedsSocial, {
      childId,
      categories: ['sexual_exploitation'],
      whatHappened: 'Seen getting into a car with an older man outside school',
      source: 'School safeguarding lead',
    });
    const [n] = await t.services.withTransaction((tx) => tx.select().from(notice).where(eq(notice.id, id)));
    expect(n?.areaAuthorityCode).toBe('E08000035');
    // Until it is prioritised it is due as if red: four hours.
    expect(n?.decisionDueAt.toISOString()).toBe('2026-09-01T13:00:00.000Z');
    expect((await t.services.notices.queue(leedsPolice)).rows.map((q) => q.notice.id)).toContain(id);
    expect((await t.services.notices.queue(leedsSocial)).rows.map((q) => q.notice.id)).toContain(id);
    expect((await t.services.notices.queue(northPolice)).rows.map((q) => q.notice.id)).not.toContain(id);
    await expect(t.services.notices.get(northSocial, id)).rejects.toThrow('Not found');
    // The police of the area are alerted at once (the raiser's own agency is not).
    expect(await alertsFor(id, 'notice-raised')).toEqual([
      { agency: 'West Yorkshire Police', priority: 'high' },
    ]);
    // And may now see the child.
    expect((await t.services.children.get(leedsPolice, childId)).id).toBe(childId);
  });

  it('goes to the area where a looked-after child is placed', async () => {
    const placed = await t.services.children.create(leedsSocial, {
      givenName: 'Placed',
      familyName: 'Awaychild',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    await t.services.placements.place(leedsSocial, placed, {
      postcode: 'YO1 7HH',
      placementType: 'U1',
      provider: 'PR1',
      placingAuthorityCode: 'E08000035',
      hostAuthorityCode: 'E06000065',
      startDate: '2026-08-01',
    });
    const id = await t.services.notices.raise(leedsSocial, {
      childId: placed,
      categories: ['missing', 'criminal_exploitation'],
      whatHappened: 'Found with cash and two phones',
      source: 'Carer',
    });
    expect((await t.services.notices.queue(northSocial)).rows.map((q) => q.notice.id)).toContain(id);
    expect((await t.services.notices.queue(northPolice)).rows.map((q) => q.notice.id)).toContain(id);
    expect((await t.services.notices.queue(leedsSocial)).rows.map((q) => q.notice.id)).not.toContain(id);
    // The placing authority still sees the notice it raised.
    expect((await t.services.notices.get(leedsSocial, id)).notice.id).toBe(id);
  });

  it('takes a notice about a young person not yet identified, with a description and an area', async () => {
    await expect(
      t.services.notices.raise(leedsPolice, {
        categories: ['sexual_exploitation'],
        whatHappened: 'A girl of about 14 seen leaving a hotel at 2am with two men',
        source: 'Hotel night manager',
      }),
    ).rejects.toThrow();
    await expect(
      t.services.notices.raise(leedsPolice, {
        unidentifiedDescription: 'Girl, about 14, long dark hair, school bag',
        categories: ['sexual_exploitation'],
        whatHappened: 'Seen leaving a hotel at 2am with two men',
        source: 'Hotel night manager',
      }),
    ).rejects.toMatchObject({ fieldErrors: [{ field: 'areaAuthorityCode' }] });
    const id = await t.services.notices.raise(leedsPolice, {
      unidentifiedDescription: 'Girl, about 14, long dark hair, school bag',
      categories: ['sexual_exploitation'],
      whatHappened: 'Seen leaving a hotel at 2am with two men',
      source: 'Hotel night manager',
      areaAuthorityCode: 'E08000035',
    });
    const queued = (await t.services.notices.queue(leedsSocial)).rows.find((q) => q.notice.id === id);
    expect(queued?.child).toBeNull();
    expect(queued?.notice.unidentifiedDescription).toContain('long dark hair');
  });

  it('refuses an attachment that is not a PDF, image or plain text, saving nothing', async () => {
    const before = (await t.services.withTransaction((tx) => tx.select().from(notice))).length;
    await expect(
      t.services.notices.raise(
        leedsSocial,
        { childId, categories: ['other'], whatHappened: 'Worried', source: 'Teacher' },
        [{ filename: 'page.html', bytes: Buffer.from('<html><script>alert(1)</script></html>') }],
      ),
    ).rejects.toMatchObject({ fieldErrors: [{ field: 'attachment' }] });
    expect((await t.services.withTransaction((tx) => tx.select().from(notice))).length).toBe(before);
    const id = await t.services.notices.raise(
      leedsSocial,
      { childId, categories: ['other'], whatHappened: 'Worried', source: 'Teacher' },
      [{ filename: '../../etc/statement.pdf', bytes: Buffer.from('%PDF-1.4\n% statement\n') }],
    );
    const { attachments } = await t.services.notices.get(leedsSocial, id);
    expect(attachments).toMatchObject([{ filename: 'statement.pdf', contentType: 'application/pdf' }]);
  });
});

describe('the joint decision', () => {
  it('is not final until both police and social care confirm it', async () => {
    const id = await t.services.notices.raise(leedsSocial, {
      childId,
      categories: ['sexual_exploitation'],
      whatHappened: 'Disclosed being taken to a flat by older men',
      source: 'Return interview',
    });
    await t.services.notices.contribute(leedsPolice, id, {
      information: 'Flat known to police from two reports',
    });
    await t.services.notices.contribute(leedsSocial, id, {
      information: 'Open to the children in care team',
    });
    await expect(
      t.services.notices.propose(leedsPolice, id, { outcomeCode: 'made_up', rationale: 'x' }),
    ).rejects.toMatchObject({ fieldErrors: [{ field: 'outcomeCode' }] });
    await t.services.notices.propose(leedsPolice, id, {
      outcomeCode: 'strategy',
      rationale: 'Risk of sexual exploitation; known address',
    });
    const [pending] = await t.services.withTransaction((tx) =>
      tx.select().from(noticeDecision).where(eq(noticeDecision.noticeId, id)),
    );
    expect(pending?.finalAt).toBeNull();
    expect((await t.services.notices.queue(leedsSocial)).rows.map((q) => q.notice.id)).toContain(id);
    // The same agency cannot confirm its own proposal.
    await expect(t.services.notices.confirm(leedsPolice, id)).rejects.toThrow(
      'a social care practitioner must confirm',
    );
    expect(await alertsFor(id, 'decision-to-confirm')).toEqual([
      { agency: 'Leeds City Council Children’s Services', priority: 'normal' },
    ]);
    expect(await t.services.notices.confirm(leedsSocial, id)).toEqual({ final: true });
    const [final] = await t.services.withTransaction((tx) =>
      tx.select().from(noticeDecision).where(eq(noticeDecision.noticeId, id)),
    );
    expect(final?.finalAt).not.toBeNull();
    expect(final?.outcomeLabel).toBe('Strategy discussion');
    expect((await t.services.notices.queue(leedsSocial)).rows.map((q) => q.notice.id)).not.toContain(id);
    await expect(
      t.services.notices.propose(leedsSocial, id, { outcomeCode: 'nfa', rationale: 'Changed our minds' }),
    ).rejects.toThrow('already been decided');
  });

  it('replaces a proposal not yet confirmed with a newer one', async () => {
    const id = await t.services.notices.raise(leedsSocial, {
      childId,
      categories: ['online_harm'],
      whatHappened: 'Messages from an unknown adult',
      source: 'Parent',
    });
    await t.services.notices.propose(leedsSocial, id, { outcomeCode: 'advice', rationale: 'Low level' });
    await t.services.notices.propose(leedsPolice, id, { outcomeCode: 'cin', rationale: 'Police hold more' });
    const decisions = await t.services.withTransaction((tx) =>
      tx.select().from(noticeDecision).where(eq(noticeDecision.noticeId, id)),
    );
    expect(decisions.filter((d) => d.supersededAt === null).map((d) => d.outcomeCode)).toEqual(['cin']);
  });
});

describe('deadlines', () => {
  it('sets the deadline from the priority, with an area’s own hours when it has set them', async () => {
    await t.services.withTransaction((tx) =>
      tx.insert(triageDeadline).values({ authorityCode: 'E08000035', priority: 'amber', hours: 12 }),
    );
    const id = await t.services.notices.raise(leedsSocial, {
      childId,
      categories: ['substance_misuse'],
      whatHappened: 'Drunk at school',
      source: 'School',
    });
    await t.services.notices.prioritise(leedsPolice, id, { priority: 'amber' });
    const [amber] = await t.services.withTransaction((tx) =>
      tx.select().from(notice).where(eq(notice.id, id)),
    );
    expect(amber?.decisionDueAt.getTime()).toBe(
      amber?.raisedAt ? amber.raisedAt.getTime() + 12 * 3_600_000 : 0,
    );
    await t.services.notices.prioritise(leedsPolice, id, { priority: 'green' });
    const [green] = await t.services.withTransaction((tx) =>
      tx.select().from(notice).where(eq(notice.id, id)),
    );
    expect(green?.decisionDueAt.getTime()).toBe(
      green?.raisedAt ? green.raisedAt.getTime() + 72 * 3_600_000 : 0,
    );
  });

  it('escalates an overdue triage once, to both agencies of the MASH', async () => {
    t.clock.set('2026-09-10T09:00:00Z');
    const id = await t.services.notices.raise(leedsSocial, {
      childId,
      categories: ['assault'],
      whatHappened: 'Injury seen at school',
      source: 'School nurse',
    });
    const job = systemContext(t.clock, 'test-job');
    t.clock.set('2026-09-10T12:59:00Z');
    await t.services.notices.escalateOverdue(job);
    expect(await alertsFor(id, 'notice-overdue')).toEqual([]);
    t.clock.set('2026-09-10T13:01:00Z');
    await t.services.notices.escalateOverdue(job);
    await t.services.notices.escalateOverdue(job);
    const escalated = await alertsFor(id, 'notice-overdue');
    expect(escalated.map((a) => a.agency).sort()).toEqual([
      'Leeds City Council Children’s Services',
      'West Yorkshire Police',
    ]);
    expect(escalated.every((a) => a.priority === 'high')).toBe(true);
  });
});
