import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import { agency } from '../../platform/agencies/tables';
import { auditEvent } from '../../platform/audit/tables';
import type { Context } from '../../platform/context';
import { cseScreening } from './tables';

let t: TestApp;
let social: Context;
const practitioner = 'social.mash@lantern.invalid';

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-06-01T09:00:00Z');
  social = await contextFor(t, practitioner);
});
afterAll(async () => {
  await t.close();
});

async function newChild(lookedAfter = true) {
  return t.services.children.create(social, {
    givenName: 'Screened',
    familyName: 'Testchild',
    lookedAfter,
    responsibleAuthorityCode: lookedAfter ? 'E08000035' : undefined,
  });
}

/** A closed episode that began at the given time and lasted an hour. */
async function episodeAt(childId: string, startedAt: string) {
  const start = new Date(startedAt);
  const id = await t.services.episodes.report(social, childId, {
    kind: 'missing',
    startedAt: start,
    policeForceCode: 'E23000010',
  });
  const closed = await t.services.episodes.close(social, id, {
    endedAt: new Date(start.getTime() + 3_600_000),
  });
  return { id, returnInterviewId: closed.returnInterviewId };
}

describe('pre-filling the screening', () => {
  it('suggests being looked after and going missing once or twice, with the reasons', async () => {
    const childId = await newChild();
    await episodeAt(childId, '2026-05-01T20:00:00Z');
    const prefill = await t.services.screening.prefill(social, childId);
    expect(prefill.answers).toEqual({ v_care: 'current', m_missing: 'current' });
    expect(prefill.reasons.m_missing).toBe('One episode in the last 12 months, the latest on 1 May 2026');
  });

  it('suggests repeat missing for 3 episodes in 90 days, and harm disclosed in a return interview', async () => {
    const childId = await newChild(false);
    await episodeAt(childId, '2026-04-01T20:00:00Z');
    await episodeAt(childId, '2026-04-20T20:00:00Z');
    const third = await episodeAt(childId, '2026-05-10T20:00:00Z');
    await t.services.returnInterviews.record(
      await contextFor(t, 'missing.lead@lantern.invalid'),
      third.returnInterviewId,
      {
        outcome: 'held',
        heldAt: new Date('2026-05-12T10:00:00Z'),
        heldWhere: 'School',
        interviewerName: 'Sam Example',
        interviewerRole: 'Return interview worker',
        interviewerIndependent: true,
        trustedAdultChosenByChild: false,
        harmDisclosed: 'Said she was hurt by an adult at a party',
        exploitationConcerns: 'Given alcohol and a phone by older men',
      },
    );
    const prefill = await t.services.screening.prefill(social, childId);
    expect(prefill.answers).toEqual({ s_repeat_missing: 'current', s_disclosure: 'current' });
    expect(prefill.notes.join(' ')).toContain('Given alcohol and a phone by older men');
    // The interview's exploitation concerns prompt a screening on the child's page.
    expect((await t.services.screening.summary(social, childId)).prompts.join(' ')).toContain(
      'recorded exploitation concerns',
    );
  });

  it('does not suggest repeat missing for three episodes spread over 200 days', async () => {
    const childId = await newChild(false);
    await episodeAt(childId, '2025-11-15T20:00:00Z');
    await episodeAt(childId, '2026-02-20T20:00:00Z');
    await episodeAt(childId, '2026-05-30T20:00:00Z');
    const prefill = await t.services.screening.prefill(social, childId);
    expect(prefill.answers.s_repeat_missing).toBeUndefined();
    expect(prefill.answers.m_missing).toBe('current');
  });
});

describe('recording a screening', () => {
  it('keeps every screening with its score explained, and prompts a new one after a notice of sexual exploitation', async () => {
    const childId = await newChild();
    const first = await t.services.screening.record(social, childId, {
      answers: { v_care: 'current', m_older_friends: 'current', s_cars: 'current' },
      reviewOn: '2026-09-01',
    });
    const shown = await t.services.screening.get(social, first);
    expect(shown.screening).toMatchObject({ score: 7, level: 'mild', toolVersion: '2026.1' });
    expect(shown.screening.items.map((i) => [i.code, i.points])).toEqual([
      ['v_care', 1],
      ['m_older_friends', 1],
      ['s_cars', 5],
    ]);
    expect((await t.services.screening.summary(social, childId)).prompts).toEqual([]);

    t.clock.set('2026-06-02T09:00:00Z');
    await t.services.notices.raise(social, {
      childId,
      categories: ['sexual_exploitation'],
      whatHappened: 'Seen with adults of concern',
      source: 'Police patrol',
    });
    expect((await t.services.screening.summary(social, childId)).prompts).toEqual([
      'A notice about sexual exploitation was raised on 2 June 2026',
    ]);
    t.clock.set('2026-06-02T10:00:00Z');
    await t.services.screening.record(social, childId, {
      answers: { v_care: 'current', s_cars: 'current', s_locations: 'current' },
      reviewOn: '2026-07-01',
    });
    const summary = await t.services.screening.summary(social, childId);
    expect(summary.history.map((h) => h.level)).toEqual(['moderate', 'mild']);
    expect(summary.prompts).toEqual([]);
    // A passed review date prompts again.
    t.clock.set('2026-07-02T10:00:00Z');
    expect((await t.services.screening.summary(social, childId)).prompts).toEqual([
      'The review was due on 1 July 2026',
    ]);
  });

  it('shows a past screening as it was scored, whatever the tool says now', async () => {
    const childId = await newChild();
    const [leeds] = await t.services.withTransaction((tx) =>
      tx
        .select({ id: agency.id })
        .from(agency)
        .where(eq(agency.name, 'Leeds City Council Children’s Services')),
    );
    // A screening from an older version of the tool that scored older friends as 3.
    const [old] = await t.services.withTransaction((tx) =>
      tx
        .insert(cseScreening)
        .values({
          childId,
          toolVersion: '2025.1',
          answers: { m_older_friends: 'current' },
          items: [
            {
              code: 'm_older_friends',
              text: 'Older friends',
              section: 'moderate',
              answer: 'current',
              points: 3,
            },
          ],
          score: 3,
          level: 'not_at_risk',
          reviewOn: '2026-12-01',
          screenedByAgencyId: leeds?.id ?? '',
          screenedAt: new Date('2025-12-01T10:00:00Z'),
        })
        .returning({ id: cseScreening.id }),
    );
    const shown = await t.services.screening.get(social, old?.id ?? '');
    expect(shown.screening).toMatchObject({ score: 3, toolVersion: '2025.1' });
    expect(shown.screening.items[0]?.points).toBe(3);
  });

  it('refuses a review date that is not in the future, and answers to indicators the tool does not have', async () => {
    const childId = await newChild();
    await expect(
      t.services.screening.record(social, childId, { answers: {}, reviewOn: '2026-01-01' }),
    ).rejects.toMatchObject({ fieldErrors: [{ field: 'reviewOn' }] });
    await expect(
      t.services.screening.record(social, childId, {
        answers: { made_up: 'current' },
        reviewOn: '2027-01-01',
      }),
    ).rejects.toMatchObject({ fieldErrors: [{ field: 'answers' }] });
  });
});

describe('the screening pages', () => {
  it('pre-fills the form, shows errors with what was chosen kept, and shows the result item by item', async () => {
    const childId = await newChild();
    const b = new Browser(t.app);
    await b.signIn(practitioner);
    const form = await b.get(`/children/${childId}/screenings/new`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Suggested: The child is looked after');
    expect(form.body).toMatch(/name="a_v_care" type="radio" value="current" checked/);
    const bad = await b.post(`/children/${childId}/screenings/new`, {
      a_v_care: 'current',
      a_s_cars: 'current',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter the date of the next review');
    expect(bad.body).toMatch(/name="a_s_cars" type="radio" value="current" checked/);
    const saved = await b.post(`/children/${childId}/screenings/new`, {
      notes: '',
      a_v_care: 'current',
      a_s_cars: 'current',
      'reviewOn-day': '1',
      'reviewOn-month': '12',
      'reviewOn-year': '2026',
    });
    expect(saved.statusCode).toBe(303);
    const result = textOf((await b.get(saved.headers.location as string)).body);
    expect(result).toContain('CSE risk screening: Mild');
    expect(result).toContain('Picked up in cars by unknown adults Current 5');
    const record = textOf((await b.get(`/children/${childId}`)).body);
    expect(record).toContain('Mild (score 6)');
    const views = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(auditEvent)
        .where(and(eq(auditEvent.childId, childId), eq(auditEvent.action, 'screening.view'))),
    );
    expect(views.length).toBe(1);
  });

  it('is not found for a user outside the child’s agencies', async () => {
    const childId = await newChild();
    const id = await t.services.screening.record(social, childId, { answers: {}, reviewOn: '2027-01-01' });
    const b = new Browser(t.app);
    await b.signIn('neighbour.social@lantern.invalid');
    expect((await b.get(`/screenings/${id}`)).statusCode).toBe(404);
    expect((await b.get(`/children/${childId}/screenings/new`)).statusCode).toBe(404);
  });
});
