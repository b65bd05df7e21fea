import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { agency } from '../../platform/agencies/tables';
import type { Context } from '../../platform/context';

let t: TestApp;
let social: Context;
let police: Context;
let health: Context;
let stranger: Context;
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
  social = await contextFor(t, 'social.mash@lantern.invalid');
  police = await contextFor(t, 'police.mash@lantern.invalid');
  health = await contextFor(t, 'health@lantern.invalid');
  stranger = await contextFor(t, 'neighbour.social@lantern.invalid');
  childId = await t.services.children.create(social, {
    givenName: 'Strategy',
    familyName: 'Testchild',
    lookedAfter: true,
    responsibleAuthorityCode: 'E08000035',
  });
});
afterAll(async () => {
  await t.close();
});

async function decidedNotice(outcomeCode: string, about = childId) {
  const id = await t.services.notices.raise(social, {
    childId: about,
    categories: ['sexual_exploitation'],
    whatHappened: 'Disclosure to a teacher',
    source: 'School',
  });
  await t.services.notices.propose(social, id, { outcomeCode, rationale: 'Agreed in the MASH' });
  return id;
}

describe('strategy discussions', () => {
  it('are scheduled only after a final decision for one', async () => {
    const invitees = [
      await agencyId('West Yorkshire Police'),
      await agencyId('Airedale Community Health Trust'),
    ];
    const pending = await decidedNotice('strategy');
    const when = {
      scheduledFor: new Date('2026-09-02T09:00:00Z'),
      venue: 'Room 2',
      inviteeAgencyIds: invitees,
    };
    await expect(t.services.strategyDiscussions.schedule(social, pending, when)).rejects.toThrow(
      'Only a final decision',
    );
    const early = await decidedNotice('early_help');
    await t.services.notices.confirm(police, early);
    await expect(t.services.strategyDiscussions.schedule(social, early, when)).rejects.toThrow(
      'Only a final decision',
    );
    await t.services.notices.confirm(police, pending);
    const id = await t.services.strategyDiscussions.schedule(social, pending, when);
    expect((await t.services.strategyDiscussions.get(social, id)).invitees.map((i) => i.name)).toEqual([
      'Airedale Community Health Trust',
      'West Yorkshire Police',
    ]);
  });

  it('let invited agencies see the discussion and the child, and no one else', async () => {
    const health_ = await agencyId('Airedale Community Health Trust');
    const other = await t.services.children.create(social, {
      givenName: 'Invited',
      familyName: 'Testchild',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    const id = await decidedNotice('strategy', other);
    await t.services.notices.confirm(police, id);
    await expect(t.services.children.get(health, other)).rejects.toThrow('Not found');
    const discussionId = await t.services.strategyDiscussions.schedule(social, id, {
      scheduledFor: new Date('2026-09-03T09:00:00Z'),
      venue: 'Video call',
      inviteeAgencyIds: [health_, await agencyId('West Yorkshire Police')],
    });
    expect((await t.services.strategyDiscussions.get(health, discussionId)).discussion.id).toBe(discussionId);
    expect((await t.services.children.get(health, other)).id).toBe(other);
    await expect(t.services.strategyDiscussions.get(stranger, discussionId)).rejects.toThrow('Not found');
  });

  it('record attendance only of invited agencies, and actions only for them', async () => {
    const id = await decidedNotice('strategy');
    await t.services.notices.confirm(police, id);
    const wyp = await agencyId('West Yorkshire Police');
    const leeds = await agencyId('Leeds City Council Children’s Services');
    const discussionId = await t.services.strategyDiscussions.schedule(social, id, {
      scheduledFor: new Date('2026-09-01T08:00:00Z'),
      venue: 'Room 1',
      inviteeAgencyIds: [wyp, leeds],
    });
    const record = {
      heldAt: new Date('2026-09-01T08:05:00Z'),
      informationShared: 'Shared',
      decisions: 'Section 47 enquiry',
    };
    await expect(
      t.services.strategyDiscussions.recordHeld(social, discussionId, {
        ...record,
        attendedAgencyIds: [wyp, await agencyId('North Yorkshire Police')],
      }),
    ).rejects.toMatchObject({ fieldErrors: [{ field: 'attendedAgencyIds' }] });
    await t.services.strategyDiscussions.recordHeld(social, discussionId, {
      ...record,
      attendedAgencyIds: [wyp],
    });
    const held = await t.services.strategyDiscussions.get(social, discussionId);
    expect(held.invitees.map((i) => [i.name, i.attended])).toEqual([
      ['Leeds City Council Children’s Services', 'no'],
      ['West Yorkshire Police', 'yes'],
    ]);
    await expect(
      t.services.strategyDiscussions.addAction(social, discussionId, {
        description: 'Visit',
        ownerAgencyId: await agencyId('North Yorkshire Police'),
        ownerName: 'Someone',
        dueOn: '2026-09-08',
      }),
    ).rejects.toMatchObject({ fieldErrors: [{ field: 'ownerAgencyId' }] });
    const actionId = await t.services.strategyDiscussions.addAction(social, discussionId, {
      description: 'Visit the address',
      ownerAgencyId: wyp,
      ownerName: 'DC Example',
      dueOn: '2026-09-08',
    });
    await t.services.strategyDiscussions.completeAction(police, discussionId, actionId);
    const after = await t.services.strategyDiscussions.get(social, discussionId);
    expect(after.actions[0]?.action.doneAt).not.toBeNull();
  });
});
