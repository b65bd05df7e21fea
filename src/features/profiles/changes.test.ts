import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import { childProfileChange } from './tables';

let t: TestApp;
let childId: string;
const carer = 'social.mash@lantern.invalid';

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-06-01T09:00:00Z');
  childId = await t.services.children.create(await contextFor(t, carer), {
    givenName: 'Changing',
    familyName: 'Testchild',
    lookedAfter: false,
  });
});
afterAll(async () => {
  await t.close();
});

const changesOf = (id: string) =>
  t.services.withTransaction((tx) =>
    tx.select().from(childProfileChange).where(eq(childProfileChange.childId, id)),
  );

describe('changes to the Philomena profile', () => {
  it('keeps the old value when a second save changes it, and writes no row for a field left alone', async () => {
    const b = new Browser(t.app);
    await b.signIn(carer);
    await b.get(`/children/${childId}/profile/details`);
    const first = await b.post(`/children/${childId}/profile/details`, {
      hair: 'Long, dark brown',
      eyes: 'Brown',
    });
    expect(first.statusCode).toBe(303);
    expect((await changesOf(childId)).map((c) => c.field).sort()).toEqual(['eyes', 'hair']);

    t.clock.set('2026-06-01T09:10:00Z');
    const second = await b.post(`/children/${childId}/profile/details`, {
      hair: 'Cut short, dyed red',
      eyes: 'Brown',
      reason: 'Had her hair cut at the weekend',
    });
    expect(second.statusCode).toBe(303);
    const changes = await changesOf(childId);
    expect(changes).toHaveLength(3);
    const latest = changes.filter((c) => c.changedAt.toISOString() === '2026-06-01T09:10:00.000Z');
    expect(latest.map((c) => [c.field, c.oldValue, c.newValue, c.reason])).toEqual([
      ['hair', 'Long, dark brown', 'Cut short, dyed red', 'Had her hair cut at the weekend'],
    ]);

    // Saving the same again changes nothing, so records nothing.
    await b.post(`/children/${childId}/profile/details`, { hair: 'Cut short, dyed red', eyes: 'Brown' });
    expect(await changesOf(childId)).toHaveLength(3);

    const page = textOf((await b.get(`/children/${childId}/profile`)).body);
    expect(page).toContain(
      'Changes to the profile Changes to the description and needs, newest first When Detail Was Now Who What has changed 1 June 2026 at 10:10am Hair Long, dark brown Cut short, dyed red Priya Hale, Leeds City Council Children’s Services Had her hair cut at the weekend',
    );
    const sheet = textOf((await b.get(`/children/${childId}/profile/print`)).body);
    expect(sheet).toContain('Cut short, dyed red');
    expect(sheet).not.toContain('Long, dark brown');
    expect(sheet).not.toContain('Changes to the profile');
  });
});
