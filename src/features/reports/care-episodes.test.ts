import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { auditEvent } from '../../platform/audit/tables';
import type { Context } from '../../platform/context';
import { ValidationError } from '../../platform/http/errors';
import { careEpisode } from './tables';

let t: TestApp;
let lead: Context;
let childId: string;
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-06-01T10:00:00Z');
  const social = await contextFor(t, 'social.mash@lantern.invalid');
  lead = await contextFor(t, 'missing.lead@lantern.invalid');
  childId = await t.services.children.create(social, {
    givenName: 'Example',
    familyName: 'Careworth',
    dateOfBirth: '2012-05-04',
    lookedAfter: true,
    responsibleAuthorityCode: 'E08000035',
  });
});
afterAll(async () => {
  await t.close();
});

const fieldsOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    if (error instanceof ValidationError) return error.fieldErrors;
    throw error;
  }
  throw new Error('expected a validation error');
};

describe('care episodes', () => {
  it('records, ends and enters in error, with audit rows', async () => {
    const first = await t.services.careEpisodes.record(lead, childId, {
      startedOn: '2025-09-01',
      reasonNewEpisode: 'S',
      legalStatus: 'C1',
      categoryOfNeed: 'N1',
    });
    await t.services.careEpisodes.end(lead, childId, first, { endedOn: '2026-01-10', reasonCeased: 'X1' });
    const second = await t.services.careEpisodes.record(lead, childId, {
      startedOn: '2026-01-10',
      reasonNewEpisode: 'L',
      legalStatus: 'C2',
      categoryOfNeed: 'N1',
    });
    const { episodes } = await t.services.careEpisodes.list(lead, childId);
    expect(episodes.map((e) => [e.startedOn, e.endedOn, e.reasonCeased, e.legalStatus])).toEqual([
      ['2025-09-01', '2026-01-10', 'X1', 'C1'],
      ['2026-01-10', null, null, 'C2'],
    ]);
    await t.services.careEpisodes.enterInError(lead, childId, second, {
      reason: 'Recorded against the wrong child',
    });
    const [row] = await t.services.withTransaction((tx) =>
      tx.select().from(careEpisode).where(eq(careEpisode.id, second)),
    );
    expect(row?.enteredInErrorReason).toBe('Recorded against the wrong child');
    const audits = await t.services.withTransaction((tx) =>
      tx
        .select({ action: auditEvent.action })
        .from(auditEvent)
        .where(and(eq(auditEvent.childId, childId))),
    );
    const actions = audits.map((a) => a.action);
    expect(actions).toContain('care-episode.record');
    expect(actions).toContain('care-episode.end');
    expect(actions).toContain('care-episode.entered-in-error');
  });

  it('refuses missing codes, a future start, an overlap, and a placement change reason without X1', async () => {
    expect(
      await fieldsOf(t.services.careEpisodes.record(lead, childId, { startedOn: '2026-02-01' } as never)),
    ).toEqual([
      { field: 'reasonNewEpisode', message: 'Choose the reason for the new episode (RNE)' },
      { field: 'legalStatus', message: 'Choose the legal status (LS)' },
      { field: 'categoryOfNeed', message: 'Choose the category of need (CIN)' },
    ]);
    const codes = { reasonNewEpisode: 'S', legalStatus: 'C2', categoryOfNeed: 'N2' } as const;
    expect(
      await fieldsOf(t.services.careEpisodes.record(lead, childId, { ...codes, startedOn: '2027-01-01' })),
    ).toEqual([{ field: 'startedOn', message: 'The start date must be today or in the past' }]);
    expect(
      await fieldsOf(t.services.careEpisodes.record(lead, childId, { ...codes, startedOn: '2025-10-01' })),
    ).toEqual([{ field: 'startedOn', message: 'The start date falls inside an earlier care episode' }]);
    const open = await t.services.careEpisodes.record(lead, childId, { ...codes, startedOn: '2026-02-01' });
    expect(
      await fieldsOf(
        t.services.careEpisodes.end(lead, childId, open, {
          endedOn: '2026-03-01',
          reasonCeased: 'E13',
          reasonPlaceChange: 'CARPL',
        }),
      ),
    ).toEqual([
      {
        field: 'reasonPlaceChange',
        message: 'Give a reason for a placement change only when care continues (REC X1)',
      },
    ]);
    expect(
      await fieldsOf(
        t.services.careEpisodes.end(lead, childId, open, { endedOn: '2026-01-01', reasonCeased: 'E13' }),
      ),
    ).toEqual([{ field: 'endedOn', message: 'The end date must be on or after the start date, 2026-02-01' }]);
  });

  it('is refused to a user without the permission, as if the child did not exist', async () => {
    const health = await contextFor(t, 'health@lantern.invalid');
    await expect(t.services.careEpisodes.list(health, childId)).rejects.toThrow('Not found');
  });

  it('shows the page, and the form again with an error summary on bad input', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('missing.lead@lantern.invalid');
    const page = await browser.get(`/children/${childId}/care-episodes`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Record a care episode');
    const bad = await browser.post(`/children/${childId}/care-episodes`, {
      'startedOn-day': '31',
      'startedOn-month': '2',
      'startedOn-year': '2026',
      reasonNewEpisode: 'S',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain('href="#startedOn-day"');
    expect(bad.body).toContain('Enter the start date as a real date');
    expect(bad.body).toContain('Choose the legal status (LS)');
  });
});
