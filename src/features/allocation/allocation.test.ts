import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import { auditEvent } from '../../platform/audit/tables';
import { sortByUrgency, type WorkItem } from './allocation.service';
import { allocation, team } from './tables';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-06-01T09:00:00Z');
});
afterAll(async () => {
  await t.close();
});

const teamId = async (name: string) => {
  const [row] = await t.services.withTransaction((tx) =>
    tx.select({ id: team.id }).from(team).where(eq(team.name, name)),
  );
  return row?.id ?? '';
};

/** A Leeds child reported missing in West Yorkshire; returns the episode's id. */
async function missingChild(familyName: string, startedAt = '2026-06-01T07:00:00Z') {
  const social = await contextFor(t, 'social.mash@lantern.invalid');
  const childId = await t.services.children.create(social, {
    givenName: 'Queue',
    familyName,
    lookedAfter: true,
    responsibleAuthorityCode: 'E08000035',
  });
  const episodeId = await t.services.episodes.report(social, childId, {
    kind: 'missing',
    startedAt: new Date(startedAt),
    policeForceCode: 'E23000010',
  });
  return { childId, episodeId };
}

describe('allocation', () => {
  it('lists an episode nobody has as unallocated, and "my work" once someone takes it', async () => {
    const { episodeId } = await missingChild('Untaken');
    const coordinator = new Browser(t.app);
    await coordinator.signIn('coordinator@lantern.invalid');
    const before = textOf((await coordinator.get('/work/unallocated')).body);
    expect(before).toContain('Episode: Queue Untaken');

    const episodePage = await coordinator.get(`/episodes/${episodeId}`);
    expect(textOf(episodePage.body)).toContain('Allocated to: Nobody in your agency yet');
    const took = await coordinator.post(`/allocations/episode/${episodeId}/take`, {
      returnTo: `/episodes/${episodeId}`,
    });
    expect(took.statusCode).toBe(303);
    expect(took.headers.location).toBe(`/episodes/${episodeId}`);

    expect(textOf((await coordinator.get(`/episodes/${episodeId}`)).body)).toContain(
      'Allocated to: Dan Whitlow (you)',
    );
    expect(textOf((await coordinator.get('/work')).body)).toContain('Episode: Queue Untaken');
    expect(textOf((await coordinator.get('/work/unallocated')).body)).not.toContain('Queue Untaken');

    // The local authority allocates for itself: the police taking it leaves it unallocated there.
    const social = new Browser(t.app);
    await social.signIn('social.mash@lantern.invalid');
    expect(textOf((await social.get('/work/unallocated')).body)).toContain('Episode: Queue Untaken');

    // Someone else cannot take what is already taken: they are told, and nothing changes.
    const police = new Browser(t.app);
    await police.signIn('police.mash@lantern.invalid');
    await police.get(`/allocations/episode/${episodeId}`);
    const clash = await police.post(`/allocations/episode/${episodeId}/take`, {});
    expect(clash.statusCode).toBe(409);
    expect(clash.body).toContain('Someone else has this already');
  });

  it('needs a reason to reallocate, and keeps the history with it', async () => {
    const { episodeId } = await missingChild('Moved');
    const b = new Browser(t.app);
    await b.signIn('coordinator@lantern.invalid');
    await b.get(`/allocations/episode/${episodeId}`);
    const nothing = await b.post(`/allocations/episode/${episodeId}`, { assignee: '' });
    expect(nothing.statusCode).toBe(400);
    expect(nothing.body).toContain('govuk-error-summary');
    expect(nothing.body).toContain('Select a worker or a team');

    const unit = await teamId('Missing persons unit');
    const first = await b.post(`/allocations/episode/${episodeId}`, { assignee: `team:${unit}` });
    expect(first.statusCode).toBe(303);

    const ctx = await contextFor(t, 'police.mash@lantern.invalid');
    const sam = ctx.actor?.userId ?? '';
    await b.get(`/allocations/episode/${episodeId}`);
    const noReason = await b.post(`/allocations/episode/${episodeId}`, { assignee: `user:${sam}` });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Say why the work is reallocated');
    expect(noReason.body).toContain(`value="user:${sam}" selected`);

    const moved = await b.post(`/allocations/episode/${episodeId}`, {
      assignee: `user:${sam}`,
      reason: 'Sam knows the family from an earlier episode',
    });
    expect(moved.statusCode).toBe(303);
    const page = textOf((await b.get(`/allocations/episode/${episodeId}`)).body);
    // Sam belongs to the unit, so the work stays in the team as well.
    expect(page).toContain('Allocated to: Sam Okafor, Missing persons unit');
    expect(page).toContain('Sam knows the family from an earlier episode');
    expect(page).toMatch(/Missing persons unit Dan Whitlow\s+\d/);

    const rows = await t.services.withTransaction((tx) =>
      tx.select().from(allocation).where(eq(allocation.subjectId, episodeId)),
    );
    expect(rows).toHaveLength(2);
    expect(rows.filter((r) => r.endedAt === null)).toHaveLength(1);
    const audited = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(auditEvent)
        .where(and(eq(auditEvent.action, 'allocation.allocate'), eq(auditEvent.subjectId, episodeId))),
    );
    expect(audited).toHaveLength(2);
  });

  it('shows a team’s queue to its members, who take work from it', async () => {
    const { episodeId } = await missingChild('Teamed');
    const coordinator = await contextFor(t, 'coordinator@lantern.invalid');
    const unit = await teamId('Missing persons unit');
    await t.services.allocation.allocate(coordinator, 'episode', episodeId, { assignee: `team:${unit}` });

    const b = new Browser(t.app);
    await b.signIn('police.mash@lantern.invalid');
    const work = textOf((await b.get('/work')).body);
    expect(work).toMatch(/Missing persons unit\s*: 1 waiting/);
    const queue = textOf((await b.get(`/work/teams/${unit}`)).body);
    expect(queue).toContain('Episode: Queue Teamed');
    const took = await b.post(`/allocations/episode/${episodeId}/take`, { returnTo: `/work/teams/${unit}` });
    expect(took.headers.location).toBe(`/work/teams/${unit}`);
    expect(textOf((await b.get(`/work/teams/${unit}`)).body)).not.toContain('Queue Teamed');
    const [current] = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(allocation)
        .where(and(eq(allocation.subjectId, episodeId), isNull(allocation.endedAt))),
    );
    expect(current?.teamId).toBe(unit);
    expect(current?.userId).toBe((await contextFor(t, 'police.mash@lantern.invalid')).actor?.userId);

    // A team of another agency is not found, and neither is its queue.
    const other = new Browser(t.app);
    await other.signIn('social.mash@lantern.invalid');
    expect((await other.get(`/work/teams/${unit}`)).statusCode).toBe(404);
  });

  it('does not allocate to a worker of another agency, nor show another area’s work', async () => {
    const { episodeId, childId } = await missingChild('Guarded');
    const coordinator = await contextFor(t, 'coordinator@lantern.invalid');
    const outsider = await contextFor(t, 'neighbour.police@lantern.invalid');
    await expect(
      t.services.allocation.allocate(coordinator, 'episode', episodeId, {
        assignee: `user:${outsider.actor?.userId}`,
      }),
    ).rejects.toMatchObject({
      fieldErrors: [{ field: 'assignee', message: 'Select a worker or a team from the list' }],
    });
    const b = new Browser(t.app);
    await b.signIn('neighbour.police@lantern.invalid');
    expect((await b.get(`/allocations/episode/${episodeId}`)).statusCode).toBe(404);
    expect((await b.post(`/allocations/episode/${episodeId}/take`, {})).statusCode).toBe(404);
    expect((await b.get(`/allocations/child/${childId}`)).statusCode).toBe(404);
    expect(textOf((await b.get('/work/unallocated')).body)).not.toContain('Queue Guarded');
  });

  it('puts the return-interview service’s interviews in its queue until a worker takes them', async () => {
    const { episodeId } = await missingChild('Returned', '2026-06-01T06:00:00Z');
    const officer = await contextFor(t, 'police.mash@lantern.invalid');
    const { returnInterviewId } = await t.services.episodes.close(officer, episodeId, {
      endedAt: new Date('2026-06-01T08:00:00Z'),
    });
    const worker = await contextFor(t, 'return.worker@lantern.invalid');
    const groups = await t.services.allocation.unallocated(worker);
    const interviews = groups.find((g) => g.type === 'return_interview');
    expect(interviews?.items.map((i) => i.subjectId)).toContain(returnInterviewId);
    const b = new Browser(t.app);
    await b.signIn('return.worker@lantern.invalid');
    expect(textOf((await b.get(`/return-interviews/${returnInterviewId}`)).body)).toContain(
      'Allocated to: Nobody in your agency yet',
    );
    await t.services.allocation.take(worker, 'return_interview', returnInterviewId ?? '');
    expect(textOf((await b.get(`/return-interviews/${returnInterviewId}`)).body)).toContain(
      'Allocated to: Leon Marsh (you)',
    );
    const mine = await t.services.allocation.myWork(worker);
    const item = mine.rows.find((i) => i.subjectId === returnInterviewId);
    expect(item?.dueAt?.toISOString()).toBe('2026-06-04T08:00:00.000Z');
    // Closed episodes leave the police's lists: the work is done.
    const coordinator = await contextFor(t, 'coordinator@lantern.invalid');
    const police = await t.services.allocation.unallocated(coordinator);
    expect(police.flatMap((g) => g.items).map((i) => i.subjectId)).not.toContain(episodeId);
  });
});

describe('concern notices', () => {
  it('wait for the MASH of the area, where each side takes its own share of the work', async () => {
    const { childId } = await missingChild('Noticed');
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const noticeId = await t.services.notices.raise(social, {
      childId,
      categories: ['sexual_exploitation'],
      whatHappened: 'Seen getting into a car with an older man outside school',
      source: 'School safeguarding lead',
    });
    const police = new Browser(t.app);
    await police.signIn('police.mash@lantern.invalid');
    expect(textOf((await police.get('/work/unallocated')).body)).toContain('Concern notice: Queue Noticed');
    const page = await police.get(`/notices/${noticeId}`);
    expect(textOf(page.body)).toContain('Allocated to: Nobody in your agency yet');
    await police.post(`/allocations/notice/${noticeId}/take`, { returnTo: `/notices/${noticeId}` });
    expect(textOf((await police.get(`/notices/${noticeId}`)).body)).toContain(
      'Allocated to: Sam Okafor (you)',
    );
    const work = await t.services.allocation.myWork(await contextFor(t, 'police.mash@lantern.invalid'));
    expect(work.rows.find((w) => w.subjectId === noticeId)?.detail).toBe(
      'Concern notice (not yet prioritised)',
    );
    // Social care has still to allocate its side.
    const groups = await t.services.allocation.unallocated(social);
    expect(groups.flatMap((g) => g.items).map((i) => i.subjectId)).toContain(noticeId);
  });
});

describe('subgroup actions', () => {
  it('are the owning agency’s to allocate, and come into the worker’s work by their due date', async () => {
    const chair = await contextFor(t, 'chair@lantern.invalid');
    const subgroupId = await t.services.subgroups.create(chair, {
      authorityCode: 'E08000035',
      name: 'Leeds CSE and missing subgroup',
      leadEmail: 'chair@lantern.invalid',
    });
    await t.services.subgroups.addMember(chair, subgroupId, 'social.mash@lantern.invalid');
    const meetingId = await t.services.subgroups.scheduleMeeting(chair, subgroupId, {
      meetsAt: new Date('2026-06-08T09:00:00Z'),
      venue: 'Civic Hall, room 3',
    });
    const actionId = await t.services.subgroups.addAction(chair, meetingId, {
      description: 'Map the takeaways named in return interviews',
      ownerEmail: 'social.mash@lantern.invalid',
      dueOn: '2026-06-20',
    });
    const b = new Browser(t.app);
    await b.signIn('social.mash@lantern.invalid');
    const meeting = await b.get(`/subgroup-meetings/${meetingId}`);
    expect(meeting.body).toContain(`href="/allocations/action/${actionId}"`);
    expect((await b.post(`/allocations/action/${actionId}/take`, {})).statusCode).toBe(303);
    const work = textOf((await b.get('/work')).body);
    expect(work).toContain('20 June 2026');
    expect(work).toContain('Map the takeaways named in return interviews');
    // The police, who do not own the action, cannot allocate it.
    const police = new Browser(t.app);
    await police.signIn('police.mash@lantern.invalid');
    expect((await police.get(`/allocations/action/${actionId}`)).statusCode).toBe(404);
  });
});

describe('teams', () => {
  it('are set up by the agency’s administrator, with members who then see the team’s queue', async () => {
    const admin = new Browser(t.app);
    await admin.signIn('agency.admin@lantern.invalid');
    const police = (await contextFor(t, 'agency.admin@lantern.invalid')).actor?.agencyId ?? '';
    await admin.get(`/admin/agencies/${police}/teams`);
    const blank = await admin.post(`/admin/agencies/${police}/teams`, { name: ' ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toContain('Enter the team’s name');
    const made = await admin.post(`/admin/agencies/${police}/teams`, { name: 'Night missing team' });
    expect(made.statusCode).toBe(303);
    const again = await admin.post(`/admin/agencies/${police}/teams`, { name: 'night MISSING team' });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('already has a team of that name');

    const night = await teamId('Night missing team');
    const coordinator = (await contextFor(t, 'coordinator@lantern.invalid')).actor?.userId ?? '';
    await admin.get(`/admin/agencies/${police}/teams`);
    expect((await admin.post(`/admin/teams/${night}/members`, { userId: coordinator })).statusCode).toBe(303);
    expect(textOf((await admin.get(`/admin/agencies/${police}/teams`)).body)).toMatch(
      /Night missing team Dan Whitlow\s+Remove/,
    );

    const b = new Browser(t.app);
    await b.signIn('coordinator@lantern.invalid');
    expect(textOf((await b.get('/work')).body)).toMatch(/Night missing team\s*: 0 waiting/);

    // Another authority's teams are not this administrator's to see or change.
    const leeds = (await contextFor(t, 'social.mash@lantern.invalid')).actor?.agencyId ?? '';
    expect((await admin.get(`/admin/agencies/${leeds}/teams`)).statusCode).toBe(404);
    const leedsTeam = await teamId('Front door MASH');
    expect((await admin.post(`/admin/teams/${leedsTeam}/members`, { userId: coordinator })).statusCode).toBe(
      404,
    );
  });
});

describe('my work', () => {
  it('puts overdue work first, the most overdue leading, and undated work last', () => {
    const item = (id: string, due: string | null): WorkItem => ({
      subjectType: 'episode',
      subjectId: id,
      childId: null,
      childName: null,
      detail: '',
      dueAt: due ? new Date(due) : null,
      userId: null,
      userName: null,
      teamId: null,
      teamName: null,
      href: '',
    });
    const sorted = sortByUrgency([
      item('c', null),
      item('b', '2026-06-03T09:00:00Z'),
      item('a', '2026-05-30T09:00:00Z'),
      item('d', '2026-06-01T08:00:00Z'),
    ]);
    expect(sorted.map((i) => i.subjectId)).toEqual(['a', 'd', 'b', 'c']);
  });

  it('lists the user’s own items with overdue ones marked', async () => {
    t.clock.set('2026-06-10T09:00:00Z');
    const { episodeId } = await missingChild('Overdue', '2026-06-10T07:00:00Z');
    const officer = await contextFor(t, 'police.mash@lantern.invalid');
    const { returnInterviewId } = await t.services.episodes.close(officer, episodeId, {
      endedAt: new Date('2026-06-10T08:00:00Z'),
    });
    const worker = await contextFor(t, 'return.worker@lantern.invalid');
    await t.services.allocation.take(worker, 'return_interview', returnInterviewId ?? '');
    t.clock.set('2026-06-14T09:00:00Z');
    const b = new Browser(t.app);
    await b.signIn('return.worker@lantern.invalid');
    const page = textOf((await b.get('/work')).body);
    expect(page).toMatch(/Overdue 13 June 2026/);
    expect(page).toContain('Return interview: Queue Overdue');
  });
});
