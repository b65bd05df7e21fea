import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { formatDateTime } from '../../platform/views/filters';
import { returnInterviewDueAt } from './episodes.service';
import { episode } from './tables';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const westYorkshire = 'E23000010';

/** Tests move the clock forwards only: access granted "now" must not start in the future. */
async function newChild(familyName: string, lookedAfterBy?: string) {
  const ctx = await contextFor(t, 'social.mash@lantern.invalid');
  return t.services.children.create(ctx, {
    givenName: 'Test',
    familyName,
    lookedAfter: Boolean(lookedAfterBy),
    responsibleAuthorityCode: lookedAfterBy,
  });
}

describe('return interview deadline', () => {
  it('makes the return interview due 72 hours after the child returns, across the clock change', () => {
    // 22:00 on 28 March 2026 is GMT; the clocks go forward at 01:00 on 29 March.
    const returned = new Date('2026-03-28T22:00:00Z');
    const due = returnInterviewDueAt(returned);
    expect(due.toISOString()).toBe('2026-03-31T22:00:00.000Z');
    expect(formatDateTime(due)).toBe('31 March 2026 at 11pm');
  });
});

describe('episodes', () => {
  it('refuses a second open episode for the same child, in the service and in the database', async () => {
    t.clock.set('2026-03-10T12:00:00Z');
    const childId = await newChild('Twiceopen');
    const officer = await contextFor(t, 'police.mash@lantern.invalid');
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    await t.services.episodes.report(social, childId, {
      kind: 'missing',
      startedAt: new Date('2026-03-10T08:00:00Z'),
      policeForceCode: westYorkshire,
    });
    await expect(
      t.services.episodes.report(officer, childId, {
        kind: 'absent',
        startedAt: new Date('2026-03-10T09:00:00Z'),
        policeForceCode: westYorkshire,
      }),
    ).rejects.toThrow(/already has an open episode/);
    await expect(
      t.services.withTransaction((tx) =>
        tx.insert(episode).values({
          childId,
          kind: 'absent',
          startedAt: new Date('2026-03-10T09:00:00Z'),
          reportedAt: new Date('2026-03-10T10:00:00Z'),
          reportedByAgencyId: social.actor?.agencyId ?? '',
          createdAt: new Date('2026-03-10T10:00:00Z'),
        }),
      ),
    ).rejects.toThrow();
  });

  it('gives the force where the child went missing access to the child', async () => {
    t.clock.set('2026-03-11T12:00:00Z');
    const childId = await newChild('Forceaccess');
    const york = await contextFor(t, 'neighbour.police@lantern.invalid');
    await expect(t.services.children.get(york, childId)).rejects.toThrow('Not found');
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    await t.services.episodes.report(social, childId, {
      kind: 'missing',
      startedAt: new Date('2026-03-11T10:00:00Z'),
      policeForceCode: 'E23000009',
    });
    expect((await t.services.children.get(york, childId)).familyName).toBe('Forceaccess');
  });

  it('keeps every grading, refuses an end before the start, and on closing creates the return interview owned by the placing authority', async () => {
    t.clock.set('2026-03-28T20:00:00Z');
    const childId = await newChild('Fullcycle', 'E08000035');
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const officer = await contextFor(t, 'police.mash@lantern.invalid');
    const id = await t.services.episodes.report(social, childId, {
      kind: 'missing',
      startedAt: new Date('2026-03-28T18:00:00Z'),
      policeForceCode: westYorkshire,
    });
    await t.services.episodes.grade(officer, id, {
      grade: 'medium',
      rationale: 'Known associates in the city centre',
      nextReviewAt: new Date('2026-03-28T22:00:00Z'),
    });
    await t.services.episodes.grade(officer, id, {
      grade: 'high',
      rationale: 'Seen getting into a car with an adult',
    });
    t.clock.set('2026-03-28T23:00:00Z');
    await expect(
      t.services.episodes.close(officer, id, { endedAt: new Date('2026-03-28T17:00:00Z') }),
    ).rejects.toThrow('The request has errors');
    const closed = await t.services.episodes.close(officer, id, {
      endedAt: new Date('2026-03-28T22:00:00Z'),
      foundLocation: 'Bus station',
    });
    expect(closed.dueAt.toISOString()).toBe('2026-03-31T22:00:00.000Z');
    const view = await t.services.episodes.get(social, id);
    expect(view.gradings.map((g) => g.grade)).toEqual(['medium', 'high']);
    expect(view.returnInterview?.ownerAgencyId).toBe(social.actor?.agencyId);
    expect(view.returnInterview?.status).toBe('due');
    await expect(
      t.services.episodes.grade(officer, id, { grade: 'low', rationale: 'late' }),
    ).rejects.toThrow();
  });

  it('changes the kind with a reason and keeps the history', async () => {
    t.clock.set('2026-04-01T12:00:00Z');
    const childId = await newChild('Kindchange');
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const id = await t.services.episodes.report(social, childId, {
      kind: 'absent',
      startedAt: new Date('2026-04-01T11:00:00Z'),
      policeForceCode: westYorkshire,
    });
    await t.services.episodes.changeKind(social, id, 'missing', 'No longer at the friend’s address');
    const view = await t.services.episodes.get(social, id);
    expect(view.episode.kind).toBe('missing');
    expect(view.kindChanges).toMatchObject([
      { fromKind: 'absent', toKind: 'missing', reason: 'No longer at the friend’s address' },
    ]);
  });

  it('does not let a role without the permission grade, and hides another area’s episode', async () => {
    t.clock.set('2026-04-02T12:00:00Z');
    const childId = await newChild('Permissions');
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const id = await t.services.episodes.report(social, childId, {
      kind: 'missing',
      startedAt: new Date('2026-04-02T11:00:00Z'),
      policeForceCode: westYorkshire,
    });
    await expect(t.services.episodes.grade(social, id, { grade: 'low', rationale: 'x' })).rejects.toThrow(
      'Not found',
    );
    const york = await contextFor(t, 'neighbour.social@lantern.invalid');
    await expect(t.services.episodes.get(york, id)).rejects.toThrow('Not found');
  });
});

describe('overdue risk reviews', () => {
  const at = (iso: string) => new Date(`2026-05-01T${iso}Z`);

  /** A child reported missing at 08:00 and graded at 09:00 with the review time given. */
  async function graded(familyName: string, nextReviewAt: Date) {
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const officer = await contextFor(t, 'coordinator@lantern.invalid');
    const childId = await newChild(familyName);
    const id = await t.services.episodes.report(social, childId, {
      kind: 'missing',
      startedAt: at('08:00:00'),
      policeForceCode: westYorkshire,
      policeReference: `WY-${familyName}`,
    });
    await t.services.episodes.grade(officer, id, { grade: 'medium', rationale: 'Review', nextReviewAt });
    return id;
  }

  it('lists open episodes whose latest review time has passed, most overdue first, and nothing else', async () => {
    t.clock.set('2026-05-01T09:00:00Z');
    const coordinator = await contextFor(t, 'coordinator@lantern.invalid');
    const overdue = await graded('Longoverdue', at('10:00:00'));
    const lessOverdue = await graded('Justoverdue', at('12:00:00'));
    const notYetDue = await graded('Notyetdue', at('18:00:00'));
    const closed = await graded('Closedepisode', at('10:00:00'));
    const regraded = await graded('Regraded', at('10:00:00'));
    t.clock.set('2026-05-01T09:30:00Z');
    await t.services.episodes.grade(coordinator, regraded, {
      grade: 'low',
      rationale: 'Seen by a neighbour',
      nextReviewAt: at('20:00:00'),
    });
    await t.services.episodes.close(coordinator, closed, { endedAt: at('09:15:00') });

    // Another force's episode, of a child West Yorkshire cannot see.
    const york = await contextFor(t, 'neighbour.social@lantern.invalid');
    const yorkPolice = await contextFor(t, 'neighbour.police@lantern.invalid');
    const yorkChild = await t.services.children.create(york, { givenName: 'Test', familyName: 'Elsewhere' });
    const elsewhere = await t.services.episodes.report(york, yorkChild, {
      kind: 'absent',
      startedAt: at('08:00:00'),
      policeForceCode: 'E23000009',
    });
    await t.services.episodes.grade(yorkPolice, elsewhere, {
      grade: 'low',
      rationale: 'Known address',
      nextReviewAt: at('10:00:00'),
    });

    t.clock.set('2026-05-01T13:00:00Z');
    const listed = (await t.services.episodes.overdueReviews(coordinator)).rows;
    const mine = listed.map((r) => r.episodeId).filter((id) => [overdue, lessOverdue].includes(id));
    expect(mine).toEqual([overdue, lessOverdue]);
    for (const id of [notYetDue, closed, regraded, elsewhere])
      expect(listed.map((r) => r.episodeId)).not.toContain(id);
    expect(listed.find((r) => r.episodeId === overdue)).toMatchObject({
      familyName: 'Longoverdue',
      grade: 'medium',
      policeReference: 'WY-Longoverdue',
      nextReviewAt: at('10:00:00'),
    });
    expect((await t.services.episodes.overdueReviews(yorkPolice)).rows.map((r) => r.episodeId)).toEqual([
      elsewhere,
    ]);
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    await expect(t.services.episodes.overdueReviews(social)).rejects.toThrow('Not found');
  });
});
