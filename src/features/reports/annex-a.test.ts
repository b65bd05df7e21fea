import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import type { Context } from '../../platform/context';
import { episode, returnInterview } from '../episodes/tables';
import { annexACsv, annexAHeader } from './annex-a';

let t: TestApp;
let lead: Context;
let repeat: string;
let quiet: string;
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-03-02T09:00:00Z');
  const social = await contextFor(t, 'social.mash@lantern.invalid');
  lead = await contextFor(t, 'missing.lead@lantern.invalid');
  const looked = { lookedAfter: true, responsibleAuthorityCode: 'E08000035' } as const;
  repeat = await t.services.children.create(social, {
    givenName: 'Example',
    familyName: 'Repeat',
    ...looked,
  });
  quiet = await t.services.children.create(social, { givenName: 'Example', familyName: 'Quiet', ...looked });
  const agencyId = social.actor?.agencyId ?? '';
  // The hand-built history, 12 months back from 2 March 2026 being 2 March 2025:
  //  missing 10 Jan 2025 (too old: not counted), missing 1 May 2025 (interview held),
  //  absent 1 Jul 2025, missing 1 Dec 2025 (the last missing: interview offered, declined),
  //  absent 1 Feb 2026. So: 2 missing, 2 absent, offered Y, accepted N.
  const history = [
    ['missing', '2025-01-10T20:00:00Z', null],
    ['missing', '2025-05-01T20:00:00Z', 'held'],
    ['absent', '2025-07-01T20:00:00Z', null],
    ['missing', '2025-12-01T20:00:00Z', 'declined'],
    ['absent', '2026-02-01T20:00:00Z', 'due'],
  ] as const;
  await t.services.withTransaction(async (tx) => {
    for (const [kind, at, interview] of history) {
      const startedAt = new Date(at);
      const endedAt = new Date(startedAt.getTime() + 5 * 3_600_000);
      const [row] = await tx
        .insert(episode)
        .values({
          childId: repeat,
          kind,
          startedAt,
          reportedAt: startedAt,
          reportedByAgencyId: agencyId,
          endedAt,
          createdAt: startedAt,
        })
        .returning({ id: episode.id });
      if (interview && row) {
        await tx.insert(returnInterview).values({
          episodeId: row.id,
          childId: repeat,
          ownerAgencyId: agencyId,
          dueAt: new Date(endedAt.getTime() + 72 * 3_600_000),
          status: interview,
          heldAt: interview === 'held' ? endedAt : null,
          interviewerIndependent: interview === 'held' ? true : null,
          createdAt: endedAt,
        });
      }
    }
  });
});
afterAll(async () => {
  await t.close();
});

describe('Annex A, List 8', () => {
  it('counts the last 12 months and reads the interview after the last missing episode', async () => {
    const rows = await t.services.annexA.list8(lead, 'E08000035');
    const mine = rows.find((r) => r.childId === repeat);
    expect(mine).toMatchObject({ missing: 2, absent: 2, offered: 'Y', accepted: 'N' });
    expect(rows.find((r) => r.childId === quiet)).toMatchObject({
      missing: 0,
      absent: 0,
      offered: '',
      accepted: '',
    });
    const csv = annexACsv(rows).split('\r\n');
    expect(csv[0]).toBe(annexAHeader.join(','));
    expect(csv).toContain(`${mine?.child},2,2,Y,N`);
  });

  it('is only for the user’s own authority and only with the permission', async () => {
    await expect(t.services.annexA.list8(lead, 'E06000065')).rejects.toThrow('Not found');
    const health = await contextFor(t, 'health@lantern.invalid');
    await expect(t.services.annexA.list8(health, 'E08000035')).rejects.toThrow('Not found');
  });

  it('answers the API with the same figures', async () => {
    const token = (await t.services.apiTokens.create(lead, 'returns')).token;
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/reports/annex-a',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json() as {
      children: { missingEpisodes: number; returnInterviewOffered: string }[];
    };
    expect(body.children).toContainEqual(
      expect.objectContaining({
        missingEpisodes: 2,
        absentEpisodes: 2,
        returnInterviewOffered: 'Y',
        returnInterviewAccepted: 'N',
      }),
    );
  });
});
