import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { childAccess } from '../../platform/access/tables';
import { auditEvent } from '../../platform/audit/tables';
import { appUser } from '../../platform/auth/tables';
import { ValidationError } from '../../platform/http/errors';
import { Disposal } from '../retention/disposer';
import type { AdvocacyMeetingInput } from './schemas';
import { advocacyMeeting, advocacyMeetingChange } from './tables';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-06-01T09:00:00Z');
});
afterAll(async () => {
  await t.close();
});

const social = () => contextFor(t, 'social.mash@lantern.invalid');

async function newChild(responsibleAuthorityCode = 'E08000035') {
  return t.services.children.create(await social(), {
    givenName: 'Advocated',
    familyName: 'Testchild',
    lookedAfter: true,
    responsibleAuthorityCode,
  });
}

const offeredAndAccepted: AdvocacyMeetingInput = {
  kind: 'care_review',
  meetingOn: '2026-05-20',
  offered: true,
  offeredOn: '2026-05-06',
  offeredBy: 'Ana Reyes, independent reviewing officer',
  response: 'accepted',
  advocateName: 'Lee Harper',
  advocateOrganisation: 'Speak Up Advocacy',
  childViews: 'I want to stay at my school.',
};

/** The field errors a call is refused with. */
async function refusal(call: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ValidationError) {
      return Object.fromEntries(error.fieldErrors.map((e) => [e.field, e.message]));
    }
    throw error;
  }
  throw new Error('expected the call to be refused');
}

describe('recording advocacy for a meeting', () => {
  it('records the offer, the child’s answer, the advocate and the views, and audits it', async () => {
    const childId = await newChild();
    const ctx = await social();
    const id = await t.services.advocacy.record(ctx, childId, offeredAndAccepted);
    const m = await t.services.advocacy.get(ctx, id);
    expect(m).toMatchObject({
      childId,
      responsibleAuthorityCode: 'E08000035',
      kind: 'care_review',
      offered: true,
      response: 'accepted',
      advocateName: 'Lee Harper',
      heard: null,
      mayChange: true,
    });
    expect(m.recordedBy).toBe('Priya Hale');
    const audit = await t.services.withTransaction((tx) =>
      tx.select({ action: auditEvent.action }).from(auditEvent).where(eq(auditEvent.subjectId, id)),
    );
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['advocacy.record', 'advocacy.view']));
  });

  it('keeps the responsible authority of the time, so a later change of authority does not move the rate', async () => {
    const childId = await newChild();
    const ctx = await social();
    const id = await t.services.advocacy.record(ctx, childId, offeredAndAccepted);
    await t.services.withTransaction((tx) =>
      tx.execute(`update child set responsible_authority_code = 'E06000065' where id = '${childId}'`),
    );
    expect((await t.services.advocacy.get(ctx, id)).responsibleAuthorityCode).toBe('E08000035');
  });

  it('asks for the date, who offered and the child’s answer when advocacy was offered', async () => {
    const childId = await newChild();
    const errors = await refusal(
      t.services.advocacy.record(await social(), childId, {
        kind: 'placement_planning',
        meetingOn: '2026-05-20',
        offered: true,
      }),
    );
    expect(errors).toEqual({
      offeredOn: 'Enter the date advocacy was offered',
      offeredBy: 'Enter who offered advocacy, with their role',
      response: 'Select what the child said to the offer',
    });
  });

  it('asks why advocacy was not offered, and names no advocate unless the child accepted one', async () => {
    const childId = await newChild();
    expect(
      await refusal(
        t.services.advocacy.record(await social(), childId, {
          kind: 'care_review',
          meetingOn: '2026-05-20',
          offered: false,
          advocateName: 'Lee Harper',
        }),
      ),
    ).toEqual({
      notOfferedReason: 'Enter why independent advocacy was not offered',
      advocateName: 'Name an advocate only when the child accepted one',
    });
  });

  it('refuses an offer after the meeting or in the future, and whether heard before the meeting', async () => {
    const childId = await newChild();
    const ctx = await social();
    expect(
      await refusal(
        t.services.advocacy.record(ctx, childId, { ...offeredAndAccepted, offeredOn: '2026-05-21' }),
      ),
    ).toEqual({
      offeredOn: 'The date advocacy was offered must be the same as or before the date of the meeting',
    });
    expect(
      await refusal(
        t.services.advocacy.record(ctx, childId, {
          ...offeredAndAccepted,
          meetingOn: '2026-06-20',
          offeredOn: '2026-06-10',
          heard: 'yes',
        }),
      ),
    ).toEqual({
      offeredOn: 'The date advocacy was offered must be today or in the past',
      heard: 'Whether the child’s views were heard can be recorded once the meeting has taken place',
    });
  });

  it('asks for a note when the child was only partly heard', async () => {
    const childId = await newChild();
    expect(
      await refusal(
        t.services.advocacy.record(await social(), childId, { ...offeredAndAccepted, heard: 'partly' }),
      ),
    ).toEqual({ heardNote: 'Enter what of the child’s views was not heard, and why' });
  });
});

describe('access to advocacy', () => {
  it('answers an unrelated agency as if the child and the meeting did not exist', async () => {
    const childId = await newChild();
    const id = await t.services.advocacy.record(await social(), childId, offeredAndAccepted);
    const neighbour = await contextFor(t, 'neighbour.social@lantern.invalid');
    await expect(t.services.advocacy.get(neighbour, id)).rejects.toThrow('Not found');
    await expect(t.services.advocacy.forChild(neighbour, childId)).rejects.toThrow('Not found');
    await expect(t.services.advocacy.record(neighbour, childId, offeredAndAccepted)).rejects.toThrow(
      'Not found',
    );
    await expect(
      t.services.advocacy.update(neighbour, id, { heard: 'yes', meetingOn: '2026-05-20' }),
    ).rejects.toThrow('Not found');
  });

  it('lets anyone who may see the child read the meetings, and only advocacy:record write them', async () => {
    const childId = await newChild();
    const id = await t.services.advocacy.record(await social(), childId, offeredAndAccepted);
    const police = await contextFor(t, 'police.mash@lantern.invalid');
    const [officer] = await t.services.withTransaction((tx) =>
      tx
        .select({ agencyId: appUser.agencyId })
        .from(appUser)
        .where(eq(appUser.email, 'police.mash@lantern.invalid')),
    );
    await t.services.withTransaction((tx) =>
      tx.insert(childAccess).values({
        childId,
        agencyId: officer?.agencyId ?? '',
        basis: 'episode_force',
        validFrom: new Date('2026-01-01T00:00:00Z'),
      }),
    );
    expect((await t.services.advocacy.forChild(police, childId)).meetings.map((m) => m.id)).toEqual([id]);
    expect((await t.services.advocacy.get(police, id)).mayChange).toBe(false);
    await expect(t.services.advocacy.record(police, childId, offeredAndAccepted)).rejects.toThrow(
      'Not found',
    );
    await expect(t.services.advocacy.update(police, id, { heard: 'yes' })).rejects.toThrow('Not found');
    await expect(t.services.advocacy.markEnteredInError(police, id, 'Wrong child')).rejects.toThrow(
      'Not found',
    );
  });
});

describe('changing a meeting', () => {
  it('fills in a blank without a reason, and keeps each change with who made it', async () => {
    const childId = await newChild();
    const ctx = await social();
    const id = await t.services.advocacy.record(ctx, childId, offeredAndAccepted);
    t.clock.set('2026-06-01T10:00:00Z');
    expect(await t.services.advocacy.update(ctx, id, { heard: 'yes' })).toEqual({ changed: 1 });
    const m = await t.services.advocacy.get(ctx, id);
    expect(m.heard).toBe('yes');
    expect(m.changes).toEqual([
      expect.objectContaining({
        field: 'heard',
        oldValue: null,
        newValue: 'yes',
        reason: null,
        changedBy: 'Priya Hale',
      }),
    ]);
  });

  it('needs a reason to change an answer already given, and keeps the old value', async () => {
    const childId = await newChild();
    const ctx = await social();
    const id = await t.services.advocacy.record(ctx, childId, offeredAndAccepted);
    expect(
      await refusal(
        t.services.advocacy.update(ctx, id, {
          response: 'declined',
          advocateName: undefined,
          advocateOrganisation: undefined,
        }),
      ),
    ).toEqual({
      reason: 'Enter why you are changing what was recorded',
    });
    await t.services.advocacy.update(ctx, id, {
      response: 'declined',
      advocateName: undefined,
      advocateOrganisation: undefined,
      reason: 'The child changed their mind before the meeting',
    });
    const m = await t.services.advocacy.get(ctx, id);
    expect(m.response).toBe('declined');
    expect(m.advocateName).toBeNull();
    expect(m.changes.map((c) => [c.field, c.oldValue, c.newValue])).toEqual([
      ['advocateName', 'Lee Harper', null],
      ['advocateOrganisation', 'Speak Up Advocacy', null],
      ['response', 'accepted', 'declined'],
    ]);
    expect(m.changes.every((c) => c.reason === 'The child changed their mind before the meeting')).toBe(true);
  });

  it('marks a meeting entered in error instead of deleting it, and then refuses changes', async () => {
    const childId = await newChild();
    const ctx = await social();
    const id = await t.services.advocacy.record(ctx, childId, offeredAndAccepted);
    await t.services.advocacy.markEnteredInError(ctx, id, 'Recorded for the wrong child');
    const [row] = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(advocacyMeeting)
        .where(and(eq(advocacyMeeting.id, id))),
    );
    expect(row?.enteredInErrorReason).toBe('Recorded for the wrong child');
    expect((await t.services.advocacy.forChild(ctx, childId)).meetings).toHaveLength(1);
    expect((await t.services.advocacy.get(ctx, id)).mayChange).toBe(false);
    await expect(t.services.advocacy.update(ctx, id, { heard: 'yes' })).rejects.toThrow('entered in error');
  });
});

describe('disposing of a child', () => {
  it('removes the child’s advocacy meetings and their history with it', async () => {
    const childId = await newChild();
    const ctx = await social();
    const id = await t.services.advocacy.record(ctx, childId, offeredAndAccepted);
    await t.services.advocacy.update(ctx, id, { heard: 'yes' });
    await t.services.withTransaction(async (tx) => {
      const disposal = await Disposal.start(tx);
      await disposal.remove('child', 'id', 'uuid', [childId]);
      await disposal.finish(childId);
    });
    const left = await t.services.withTransaction(async (tx) => ({
      meetings: await tx.select().from(advocacyMeeting).where(eq(advocacyMeeting.childId, childId)),
      changes: await tx.select().from(advocacyMeetingChange).where(eq(advocacyMeetingChange.meetingId, id)),
    }));
    expect(left).toEqual({ meetings: [], changes: [] });
  });
});
