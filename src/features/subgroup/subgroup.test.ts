import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import type { Context } from '../../platform/context';

let t: TestApp;
let chair: Context;
let social: Context;
let repeatChild: string;
let overdueChild: string;
let spreadChild: string;
let meetingId: string;
let subgroupId: string;

async function episodeAt(childId: string, at: string, close = true) {
  const start = new Date(at);
  const id = await t.services.episodes.report(social, childId, {
    kind: 'missing',
    startedAt: start,
    policeForceCode: 'E23000010',
  });
  if (close) await t.services.episodes.close(social, id, { endedAt: new Date(start.getTime() + 3_600_000) });
}

beforeAll(async () => {
  t = await buildTestApp();
  chair = await contextFor(t, 'chair@lantern.invalid');
  social = await contextFor(t, 'social.mash@lantern.invalid');
  const child = (givenName: string) =>
    t.services.children.create(social, {
      givenName,
      familyName: 'Agendason',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
  t.clock.set('2025-10-11T09:00:00Z');
  repeatChild = await child('Repeat');
  overdueChild = await child('Overdue');
  spreadChild = await child('Spread');
  // Three episodes spread over 200 days: not repeat missing.
  await episodeAt(spreadChild, '2025-10-10T20:00:00Z');
  t.clock.set('2026-02-01T09:00:00Z');
  await episodeAt(spreadChild, '2026-02-01T06:00:00Z');
  t.clock.set('2026-04-28T09:00:00Z');
  await episodeAt(spreadChild, '2026-04-28T06:00:00Z');
  // Three episodes in 90 days.
  await episodeAt(repeatChild, '2026-03-01T20:00:00Z');
  await episodeAt(repeatChild, '2026-04-01T20:00:00Z');
  await episodeAt(repeatChild, '2026-04-27T20:00:00Z');
  // A return that has not been interviewed within 72 hours.
  await episodeAt(overdueChild, '2026-04-20T20:00:00Z');
  t.clock.set('2026-05-01T09:00:00Z');
  subgroupId = await t.services.subgroups.create(chair, {
    authorityCode: 'E08000035',
    name: 'Leeds CSE and missing subgroup',
    leadEmail: 'chair@lantern.invalid',
  });
  await t.services.subgroups.addMember(chair, subgroupId, 'neighbour.police@lantern.invalid');
  meetingId = await t.services.subgroups.scheduleMeeting(chair, subgroupId, {
    meetsAt: new Date('2026-05-07T09:00:00Z'),
    venue: 'Civic Hall, room 3',
  });
});
afterAll(async () => {
  await t.close();
});

describe('the subgroup', () => {
  it('needs a named lead who is a user, and one subgroup per area, of the chair’s own area', async () => {
    await expect(
      t.services.subgroups.create(chair, {
        authorityCode: 'E08000035',
        name: 'North',
        leadEmail: 'nobody@lantern.invalid',
      }),
    ).rejects.toMatchObject({ fieldErrors: [{ field: 'leadEmail' }] });
    await expect(
      t.services.subgroups.create(chair, {
        authorityCode: 'E06000065',
        name: 'North',
        leadEmail: 'chair@lantern.invalid',
      }),
    ).rejects.toMatchObject({ fieldErrors: [{ field: 'authorityCode' }] });
    await expect(
      t.services.subgroups.create(chair, {
        authorityCode: 'E08000035',
        name: 'Again',
        leadEmail: 'chair@lantern.invalid',
      }),
    ).rejects.toThrow('already has a subgroup');
  });

  it('builds an agenda with a repeat-missing child and an overdue return interview, each with its reason', async () => {
    const count = await t.services.subgroups.buildAgenda(chair, meetingId);
    const m = await t.services.subgroups.meeting(chair, meetingId);
    expect(count).toBe(m.items.length);
    const lines = m.items.map((i) => `${i.child?.givenName}: ${i.item.reason}`);
    expect(lines).toContain('Repeat: Repeat missing: 3 episodes in the last 90 days');
    expect(lines.some((l) => l.startsWith('Overdue: Return interview overdue: it was due'))).toBe(true);
    expect(lines.some((l) => l.startsWith('Spread: Repeat missing'))).toBe(false);
  });

  it('lets members see the children on the agenda; a non-member outside the child’s authority still gets 404', async () => {
    // A North Yorkshire police officer who is a member sees the Leeds child for the meeting.
    const member = new Browser(t.app);
    await member.signIn('neighbour.police@lantern.invalid');
    expect((await member.get(`/children/${repeatChild}`)).statusCode).toBe(200);
    expect(textOf((await member.get(`/subgroup-meetings/${meetingId}`)).body)).toContain('Repeat Agendason');
    // A North Yorkshire practitioner who is not a member does not.
    const outsider = new Browser(t.app);
    await outsider.signIn('neighbour.social@lantern.invalid');
    expect((await outsider.get(`/children/${repeatChild}`)).statusCode).toBe(404);
    expect((await outsider.get(`/subgroup-meetings/${meetingId}`)).statusCode).toBe(404);
    // Access for the meeting's purpose ends two weeks after it.
    t.clock.set('2026-05-22T09:00:00Z');
    expect(
      (
        await t.services.children.search(await contextFor(t, 'neighbour.police@lantern.invalid'), {
          name: 'Repeat Agendason',
        })
      ).length,
    ).toBe(0);
  });

  it('records minutes and actions, and lists overdue actions', async () => {
    await t.services.subgroups.addAction(chair, meetingId, {
      description: 'Review the placement of the repeat-missing child',
      ownerEmail: 'social.mash@lantern.invalid',
      dueOn: '2026-05-14',
    });
    await t.services.subgroups.recordMinutes(chair, meetingId, 'Attended: police, social care, health.');
    await expect(t.services.subgroups.buildAgenda(chair, meetingId)).rejects.toThrow('its agenda stands');
    const s = await t.services.subgroups.get(chair, subgroupId);
    expect(s.lead?.name).toBe('Martin Fray');
    expect(s.overdueActions.map((a) => a.action.description)).toEqual([
      'Review the placement of the repeat-missing child',
    ]);
    const b = new Browser(t.app);
    await b.signIn('chair@lantern.invalid');
    const printed = textOf((await b.get(`/subgroup-meetings/${meetingId}/print`)).body);
    expect(printed).toContain('Leeds CSE and missing subgroup');
    expect(printed).toContain('Attended: police, social care, health.');
    expect(printed).toContain('Review the placement of the repeat-missing child');
  });
});
