import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const DAY = 86_400_000;

/** Reports and closes one episode starting at `at`, moving the clock there first. */
async function episodeAt(childId: string, at: Date, kind: 'missing' | 'absent' = 'missing') {
  const social = await contextFor(t, 'social.mash@lantern.invalid');
  t.clock.set(new Date(at.getTime() + 3 * 3_600_000));
  const id = await t.services.episodes.report(social, childId, {
    kind,
    startedAt: at,
    policeForceCode: 'E23000010',
  });
  await t.services.episodes.close(social, id, { endedAt: new Date(at.getTime() + 2 * 3_600_000) });
}

describe('flags', () => {
  it('raises repeat missing on the third episode within 90 days, counting absences', async () => {
    const start = new Date('2026-07-01T18:00:00Z');
    t.clock.set(start);
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const childId = await t.services.children.create(social, { givenName: 'Flag', familyName: 'Thrice' });
    await episodeAt(childId, start);
    await episodeAt(childId, new Date(start.getTime() + 20 * DAY), 'absent');
    expect(await t.services.flags.forChild(social, childId)).toEqual([]);
    await episodeAt(childId, new Date(start.getTime() + 40 * DAY));
    const flags = await t.services.flags.forChild(social, childId);
    expect(flags.map((f) => f.code)).toEqual(['repeat-missing']);
    expect(flags[0]?.reason).toBe('3 episodes in the last 90 days (the rule is 3)');

    const browser = new Browser(t.app);
    await browser.signIn('social.mash@lantern.invalid');
    expect((await browser.get(`/children/${childId}`)).body).toContain('Repeat missing');
    expect((await browser.get('/children/repeat-missing')).body).toContain('Flag Thrice');
  });

  it('does not flag three episodes spread over 200 days', async () => {
    const start = new Date('2026-08-01T18:00:00Z');
    t.clock.set(start);
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const childId = await t.services.children.create(social, { givenName: 'Flag', familyName: 'Spread' });
    await episodeAt(childId, start);
    await episodeAt(childId, new Date(start.getTime() + 100 * DAY));
    await episodeAt(childId, new Date(start.getTime() + 200 * DAY));
    expect(await t.services.flags.forChild(social, childId)).toEqual([]);
  });

  it('raises repeat absence for three absences within 30 days, with a configurable rule', async () => {
    const strict = await buildTestApp({
      flags: {
        repeatMissing: { count: 5, days: 90 },
        repeatAbsence: { count: 2, days: 30 },
        linkedChildren: { count: 2, days: 90 },
      },
    });
    try {
      const start = new Date('2026-09-01T18:00:00Z');
      strict.clock.set(start);
      const social = await contextFor(strict, 'social.mash@lantern.invalid');
      const childId = await strict.services.children.create(social, {
        givenName: 'Flag',
        familyName: 'Absent',
      });
      for (const offset of [0, 5]) {
        const at = new Date(start.getTime() + offset * DAY);
        strict.clock.set(new Date(at.getTime() + 3 * 3_600_000));
        const id = await strict.services.episodes.report(social, childId, {
          kind: 'absent',
          startedAt: at,
          policeForceCode: 'E23000010',
        });
        await strict.services.episodes.close(social, id, { endedAt: new Date(at.getTime() + 3_600_000) });
      }
      expect((await strict.services.flags.forChild(social, childId)).map((f) => f.code)).toEqual([
        'repeat-absence',
      ]);
    } finally {
      await strict.close();
    }
  });
});
