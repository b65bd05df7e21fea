import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { textOf } from '../../../test/support/html';
import type { Context } from '../../platform/context';
import { alert } from '../alerts/tables';
import { intelPattern, intelPatternEvidence } from './tables';

let t: TestApp;
let police: Context;
let social: Context;
let chair: Context;
let addressId: string;
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-06-01T09:00:00Z');
  police = await contextFor(t, 'police.mash@lantern.invalid');
  social = await contextFor(t, 'social.mash@lantern.invalid');
  chair = await contextFor(t, 'chair@lantern.invalid');
  addressId = (
    await t.services.intelligence.createEntity(police, {
      kind: 'location',
      name: '22 Example Terrace',
      placeType: 'address',
    })
  ).id;
});
afterAll(async () => {
  await t.close();
});

/** A Leeds child missing and then found at the address, `day` days into June. */
async function foundAtAddress(givenName: string, day: number) {
  const childId = await t.services.children.create(social, {
    givenName,
    familyName: 'Pattern',
    responsibleAuthorityCode: 'E08000035',
    lookedAfter: true,
  });
  const startedAt = new Date(Date.UTC(2026, 5, day, 20));
  t.clock.set(new Date(startedAt.getTime() + 3600_000));
  const episodeId = await t.services.episodes.report(social, childId, {
    kind: 'missing',
    startedAt,
    policeForceCode: 'E23000010',
  });
  const foundAt = new Date(startedAt.getTime() + 12 * 3600_000);
  t.clock.set(new Date(foundAt.getTime() + 3600_000));
  await t.services.episodes.close(police, episodeId, {
    endedAt: foundAt,
    foundLocation: '22 Example Terrace',
  });
  await t.services.intelligence.link(police, {
    childId,
    entityId: addressId,
    type: 'found_at',
    occurredAt: foundAt,
    sourceType: 'episode',
    sourceId: episodeId,
    sourceGrade: '1',
    informationGrade: 'A',
    handlingCode: 'P',
  });
  return { childId, episodeId };
}

const patternAlerts = () =>
  t.services.withTransaction((tx) =>
    tx
      .select({ agencyId: alert.agencyId, subjectId: alert.subjectId })
      .from(alert)
      .where(eq(alert.kind, 'intelligence-pattern')),
  );

describe('pattern alerts', () => {
  it('raise one alert when three children are found at one address within 30 days, with the episodes as evidence; a fourth adds to it', async () => {
    const one = await foundAtAddress('First', 1);
    expect(await patternAlerts()).toHaveLength(0);
    const two = await foundAtAddress('Second', 12);
    const three = await foundAtAddress('Third', 25);

    const alerts = await patternAlerts();
    const patterns = await t.services.withTransaction((tx) => tx.select().from(intelPattern));
    expect(patterns).toHaveLength(1);
    const patternId = patterns[0]?.id ?? '';
    // One alert: the same pattern, once in each inbox of the area's MASH (children's services and police).
    expect(new Set(alerts.map((a) => a.subjectId))).toEqual(new Set([patternId]));
    expect(new Set(alerts.map((a) => a.agencyId)).size).toBe(alerts.length);
    expect(alerts.map((a) => a.agencyId).sort()).toEqual(
      [police.actor?.agencyId, social.actor?.agencyId].sort(),
    );

    const evidence = await t.services.patterns.get(police, patternId);
    expect(evidence.children).toBe(3);
    expect(evidence.evidence.map((e) => e.sourceId)).toEqual([one.episodeId, two.episodeId, three.episodeId]);
    expect(evidence.reason).toBe('3 children linked to one place (22 Example Terrace) within 90 days');

    // The MASH queue and the subgroup agenda list it, with the three episodes.
    const b = new Browser(t.app);
    await b.signIn('police.mash@lantern.invalid');
    expect(textOf((await b.get('/mash')).body)).toContain(evidence.reason);
    const subgroupId = await t.services.subgroups.create(chair, {
      authorityCode: 'E08000035',
      name: 'Leeds CSE and missing subgroup',
      leadEmail: 'chair@lantern.invalid',
    });
    const meetingId = await t.services.subgroups.scheduleMeeting(chair, subgroupId, {
      meetsAt: new Date('2026-07-07T09:00:00Z'),
      venue: 'Civic Hall, room 3',
    });
    await t.services.subgroups.buildAgenda(chair, meetingId);
    const meeting = await t.services.subgroups.meeting(chair, meetingId);
    const items = meeting.items.filter((i) => i.item.kind === 'intelligence_pattern');
    expect(items).toHaveLength(1);
    expect(meeting.evidence.map((e) => e.sourceId)).toEqual([one.episodeId, two.episodeId, three.episodeId]);
    const chairBrowser = new Browser(t.app);
    await chairBrowser.signIn('chair@lantern.invalid');
    const agenda = textOf((await chairBrowser.get(`/subgroup-meetings/${meetingId}`)).body);
    expect(agenda).toContain(evidence.reason);
    expect(agenda).toContain('First Pattern');
    expect(agenda, agenda).toContain('Third Pattern');

    // A fourth child adds to the pattern: no new alert.
    const four = await foundAtAddress('Fourth', 28);
    expect(await patternAlerts()).toHaveLength(alerts.length);
    expect(await t.services.withTransaction((tx) => tx.select().from(intelPattern))).toHaveLength(1);
    const rows = await t.services.withTransaction((tx) =>
      tx.select().from(intelPatternEvidence).where(eq(intelPatternEvidence.patternId, patternId)),
    );
    expect(new Set(rows.map((r) => r.childId))).toEqual(
      new Set([one.childId, two.childId, three.childId, four.childId]),
    );
    expect((await t.services.patterns.get(police, patternId)).reason).toMatch(/^4 children/);
  });

  it('are not raised by links far apart in time, nor by one child linked twice', async () => {
    const place = (
      await t.services.intelligence.createEntity(police, { kind: 'vehicle', registration: 'EX12 MPL' })
    ).id;
    const before = (await patternAlerts()).length;
    const a = await t.services.children.create(social, { givenName: 'Far', familyName: 'Apart' });
    const b = await t.services.children.create(social, { givenName: 'Later', familyName: 'Apart' });
    const log = async (childId: string, at: string) => {
      const sourceId = await t.services.intelligence.addLogEntry(social, {
        childId,
        summary: 'Seen getting into the car',
        occurredAt: new Date(at),
      });
      await t.services.intelligence.link(social, {
        childId,
        entityId: place,
        type: 'travelled_in',
        occurredAt: new Date(at),
        sourceType: 'log',
        sourceId,
        sourceGrade: '2',
        informationGrade: 'C',
        handlingCode: 'P',
      });
    };
    await log(a, '2026-01-01T12:00:00Z');
    await log(a, '2026-01-05T12:00:00Z');
    await log(b, '2026-06-01T12:00:00Z');
    expect((await patternAlerts()).length).toBe(before);
  });
});
