import { and, eq, inArray, or } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { auditEvent } from '../../platform/audit/tables';
import type { Context } from '../../platform/context';
import { PAGE_SIZE } from '../../platform/http/pagination';
import { mergeOf, type Reason } from './resolution.service';
import { intelCandidate, intelEntity, intelLink, intelMerge } from './tables';

let t: TestApp;
let police: Context;
let analyst: Context;
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-06-01T12:00:00Z');
  police = await contextFor(t, 'police.mash@lantern.invalid');
  analyst = await contextFor(t, 'analyst@lantern.invalid');
});
afterAll(async () => {
  await t.close();
});

const grading = { sourceGrade: '2', informationGrade: 'B', handlingCode: 'P' } as const;

async function logEntry() {
  return t.services.intelligence.addLogEntry(police, {
    summary: 'Synthetic intelligence report',
    occurredAt: new Date('2026-05-31T09:00:00Z'),
  });
}

/** Records that a person uses (or lives at, travels in) an entity, from an intelligence log entry. */
async function personLink(personId: string, entityId: string, type: 'uses' | 'lives_at' = 'uses') {
  return t.services.intelligence.link(police, {
    fromEntityId: personId,
    entityId,
    type,
    occurredAt: new Date('2026-05-31T09:00:00Z'),
    sourceType: 'log',
    sourceId: await logEntry(),
    ...grading,
  });
}

const person = async (givenName: string, familyName: string, extra: Record<string, unknown> = {}) =>
  (await t.services.intelligence.createEntity(police, { kind: 'person', givenName, familyName, ...extra }))
    .id;

const pairOf = (x: string, y: string) => (x < y ? [x, y] : [y, x]) as [string, string];

async function candidateOf(x: string, y: string) {
  const [a, b] = pairOf(x, y);
  const [row] = await t.services.withTransaction((tx) =>
    tx
      .select()
      .from(intelCandidate)
      .where(and(eq(intelCandidate.entityA, a), eq(intelCandidate.entityB, b))),
  );
  return row ?? null;
}

const linksOf = (ids: string[]) =>
  t.services.withTransaction((tx) =>
    tx
      .select()
      .from(intelLink)
      .where(or(inArray(intelLink.entityId, ids), inArray(intelLink.fromEntityId, ids)))
      .orderBy(intelLink.id),
  );

const entityRow = async (id: string) =>
  (await t.services.withTransaction((tx) => tx.select().from(intelEntity).where(eq(intelEntity.id, id))))[0];

const auditActions = async (subjectId: string) =>
  (
    await t.services.withTransaction((tx) =>
      tx.select({ action: auditEvent.action }).from(auditEvent).where(eq(auditEvent.subjectId, subjectId)),
    )
  ).map((r) => r.action);

describe('resolution of Mohammed Ali and Muhammad Aly, who use one phone', () => {
  let mohammed: string;
  let muhammad: string;
  let phone: string;
  let candidateId: string;

  it('proposes them as a pair with the reasons shown, and merges nothing', async () => {
    mohammed = await person('Mohammed', 'Ali');
    muhammad = await person('Muhammad', 'Aly');
    const first = await t.services.intelligence.createEntity(police, {
      kind: 'phone',
      number: '07700 900123',
    });
    const second = await t.services.intelligence.createEntity(police, {
      kind: 'phone',
      number: '+44 7700 900123',
    });
    expect(second).toEqual({ id: first.id, existing: true });
    phone = first.id;
    await personLink(mohammed, phone);
    await personLink(muhammad, phone);
    await t.services.resolution.scan(analyst);

    const candidate = await candidateOf(mohammed, muhammad);
    expect(candidate?.status).toBe('open');
    candidateId = candidate?.id ?? '';
    const reasons = (candidate?.reasons ?? []) as Reason[];
    const text = reasons.map((r) => r.reason).join('\n');
    expect(text).toContain('sound alike');
    expect(text).toContain('spelt alike');
    expect(text).toContain('nickname or another spelling');
    expect(text).toContain('Both use the same phone');
    expect(candidate?.score).toBeGreaterThanOrEqual(0.9);
    expect(candidate?.score).toBeLessThanOrEqual(1);

    const page = await t.services.resolution.queue(analyst, 'open');
    expect(page.rows.map((r) => r.candidate.id)).toContain(candidateId);

    expect((await entityRow(mohammed))?.mergedIntoId).toBeNull();
    expect((await entityRow(muhammad))?.mergedIntoId).toBeNull();
    const links = await linksOf([muhammad]);
    expect(links).toHaveLength(1);
    expect(links[0]?.fromEntityId).toBe(muhammad);
  });

  it('shows the pair side by side with the reasons and weights in words', async () => {
    const b = new Browser(t.app);
    await b.signIn('analyst@lantern.invalid');
    const queue = await b.get('/intelligence/resolution');
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain('Mohammed Ali');
    expect(queue.body).toContain('Muhammad Aly');
    const pair = await b.get(`/intelligence/resolution/${candidateId}`);
    expect(pair.statusCode).toBe(200);
    expect(pair.body).toContain('Both use the same phone');
    expect(pair.body).toContain('+0.35');
    expect(pair.body).toContain('+447700900123');
    expect(pair.body).toContain('The same: merge them');
    expect(pair.body).not.toContain('Mohammed Ali –'); // no names in the page title
  });

  it('re-renders the decision with an error summary when no decision is chosen', async () => {
    const b = new Browser(t.app);
    await b.signIn('analyst@lantern.invalid');
    await b.get(`/intelligence/resolution/${candidateId}`);
    const bad = await b.post(`/intelligence/resolution/${candidateId}/decision`, {});
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('govuk-error-summary');
    expect(bad.body).toContain('Select whether these are the same');
    expect(bad.body).toContain('<title>Error: ');
    const stranger = await b.post(`/intelligence/resolution/${candidateId}/decision`, {
      decision: 'match',
      survivorId: phone,
    });
    expect(stranger.statusCode).toBe(400);
    expect(stranger.body).toContain('Select which record stays');
    expect((await candidateOf(mohammed, muhammad))?.status).toBe('open');
  });

  it('merges when a person decides they are the same: the links move to the survivor, audited', async () => {
    const before = await linksOf([mohammed, muhammad, phone]);
    const b = new Browser(t.app);
    await b.signIn('analyst@lantern.invalid');
    await b.get(`/intelligence/resolution/${candidateId}`);
    const done = await b.post(`/intelligence/resolution/${candidateId}/decision`, {
      decision: 'match',
      survivorId: mohammed,
    });
    expect(done.statusCode).toBe(303);

    expect((await entityRow(muhammad))?.mergedIntoId).toBe(mohammed);
    expect((await candidateOf(mohammed, muhammad))?.status).toBe('match');
    const after = await linksOf([mohammed, muhammad, phone]);
    expect(after.filter((l) => l.fromEntityId === muhammad)).toHaveLength(0);
    expect(after.filter((l) => l.fromEntityId === mohammed && l.entityId === phone)).toHaveLength(2);
    expect(after).toHaveLength(before.length);

    const merge = await t.services.withTransaction((tx) => mergeOf(tx, muhammad));
    expect(merge?.survivorId).toBe(mohammed);
    expect(merge?.survivorLabel).toBe('Mohammed Ali');
    const [row] = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(intelMerge)
        .where(eq(intelMerge.id, merge?.mergeId ?? '')),
    );
    const muhammadsLink = before.find((l) => l.fromEntityId === muhammad);
    expect(row?.movedFromLinkIds).toEqual([muhammadsLink?.id]);
    expect(row?.movedLinkIds).toEqual([]);
    expect(await auditActions(merge?.mergeId ?? '')).toContain('intelligence.merge');
    expect(await auditActions(candidateId)).toContain('intelligence.candidate-match');

    // The pair has left the review list; it is in the merged list, with a way to undo.
    expect(
      (await t.services.resolution.queue(analyst, 'open')).rows.map((r) => r.candidate.id),
    ).not.toContain(candidateId);
    const page = await b.get(`/intelligence/resolution/${candidateId}`);
    expect(page.body).toContain('Undo this merge');
    expect(page.body).toContain(`/intelligence/merges/${merge?.mergeId}/undo`);
    // A decided pair cannot be decided again.
    const again = await b.post(`/intelligence/resolution/${candidateId}/decision`, { decision: 'not_match' });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('This pair has already been decided');
  });

  it('undoing the merge restores both entities and exactly their links, and the pair is "not sure"', async () => {
    const merged = await linksOf([mohammed, muhammad, phone]);
    const merge = await t.services.withTransaction((tx) => mergeOf(tx, muhammad));
    const b = new Browser(t.app);
    await b.signIn('analyst@lantern.invalid');
    await b.get(`/intelligence/resolution/${candidateId}`);
    const undone = await b.post(`/intelligence/merges/${merge?.mergeId}/undo`, {});
    expect(undone.statusCode).toBe(303);
    expect(undone.headers.location).toBe(`/intelligence/resolution/${candidateId}`);

    expect((await entityRow(muhammad))?.mergedIntoId).toBeNull();
    expect((await entityRow(mohammed))?.mergedIntoId).toBeNull();
    const restored = await linksOf([mohammed, muhammad, phone]);
    const [row] = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(intelMerge)
        .where(eq(intelMerge.id, merge?.mergeId ?? '')),
    );
    const moved = new Set(row?.movedFromLinkIds);
    // Exactly the moved links are back on Muhammad Aly; everything else is as it was.
    expect(
      restored.map((l) => ({ ...l, fromEntityId: moved.has(l.id) ? mohammed : l.fromEntityId })),
    ).toEqual(merged);
    expect(restored.filter((l) => l.fromEntityId === muhammad).map((l) => l.id)).toEqual([...moved]);
    expect(row?.undoneAt).not.toBeNull();
    expect(await t.services.withTransaction((tx) => mergeOf(tx, muhammad))).toBeNull();
    expect((await candidateOf(mohammed, muhammad))?.status).toBe('unsure');
    expect(await auditActions(merge?.mergeId ?? '')).toContain('intelligence.merge-undo');
    const unsure = await t.services.resolution.queue(analyst, 'unsure');
    expect(unsure.rows.map((r) => r.candidate.id)).toContain(candidateId);
    // Undoing twice is refused.
    await expect(t.services.resolution.undoMerge(analyst, merge?.mergeId ?? '')).rejects.toThrow(
      'already been undone',
    );
  });

  it('keeps a decision when candidates are found again', async () => {
    await t.services.resolution.decide(analyst, candidateId, { decision: 'not_match' });
    await t.services.resolution.scan(analyst);
    await t.services.resolution.candidatesFor(police, muhammad);
    expect((await candidateOf(mohammed, muhammad))?.status).toBe('not_match');
  });
});

describe('who may resolve', () => {
  it('answers 404 on every page and action to users without intelligence:resolve', async () => {
    const [c] = await t.services.withTransaction((tx) => tx.select().from(intelCandidate).limit(1));
    expect(c).toBeDefined();
    for (const email of ['health@lantern.invalid', 'social.mash@lantern.invalid']) {
      const b = new Browser(t.app);
      await b.signIn(email);
      expect((await b.get('/intelligence/resolution')).statusCode).toBe(404);
      expect((await b.get('/intelligence/resolution?list=unsure')).statusCode).toBe(404);
      expect((await b.get(`/intelligence/resolution/${c?.id}`)).statusCode).toBe(404);
      await b.get('/');
      expect(
        (await b.post(`/intelligence/resolution/${c?.id}/decision`, { decision: 'match' })).statusCode,
      ).toBe(404);
    }
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    await expect(t.services.resolution.queue(social, 'open')).rejects.toThrow('Not found');
    await expect(t.services.resolution.scan(social)).rejects.toThrow('Not found');
  });
});

describe('finding candidates where the work happens', () => {
  it('looks for copies of a person first recorded with a link from a child', async () => {
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const childId = await t.services.children.create(social, { givenName: 'Example', familyName: 'Child' });
    const episodeId = await t.services.episodes.report(social, childId, {
      kind: 'missing',
      startedAt: new Date('2026-05-30T20:00:00Z'),
      policeForceCode: 'E23000010',
    });
    const known = await person('Alexander', 'Examplesson', { approximateAge: 30 });
    const fresh = await person('Alex', 'Examplesen', { approximateAge: 32 });
    expect(await candidateOf(known, fresh)).toBeNull();
    await t.services.intelligence.link(police, {
      childId,
      entityId: fresh,
      type: 'seen_with',
      occurredAt: new Date('2026-05-31T09:00:00Z'),
      sourceType: 'episode',
      sourceId: episodeId,
      ...grading,
    });
    const c = await candidateOf(known, fresh);
    expect(c?.status).toBe('open');
    expect(((c?.reasons ?? []) as Reason[]).map((r) => r.reason)).toContain('Their ages fit together');
  });
});

describe('other kinds', () => {
  it('proposes a partly read plate as a candidate for the registration it could be', async () => {
    const full = await t.services.intelligence.createEntity(police, {
      kind: 'vehicle',
      registration: 'AB12 CDE',
      colour: 'Silver',
    });
    const partial = await t.services.intelligence.createEntity(police, {
      kind: 'vehicle',
      registration: 'AB12 CD?',
      colour: 'silver',
    });
    const other = await t.services.intelligence.createEntity(police, {
      kind: 'vehicle',
      registration: 'XY12 CDE',
    });
    await t.services.resolution.candidatesFor(police, partial.id);
    const c = await candidateOf(full.id, partial.id);
    expect(((c?.reasons ?? []) as Reason[]).map((r) => r.reason)).toEqual([
      'A partly read plate that could be this registration',
      'The same colour',
    ]);
    expect(c?.score).toBe(0.6);
    expect(await candidateOf(other.id, partial.id)).toBeNull();
  });

  it('proposes two places at one postcode with names spelt alike, not two numbers in one street', async () => {
    const place = (name: string) =>
      t.services.intelligence.createEntity(police, {
        kind: 'location',
        name,
        postcode: 'LS1 4DY',
        placeType: 'hotel',
        latitude: 53.8,
        longitude: -1.55,
      });
    const a = await place('Example Hotel, Example Street');
    const b = await place('Example Hotel, Example St');
    const c = await place('12 Example Street');
    const d = await place('14 Example Street');
    await t.services.resolution.candidatesFor(police, b.id);
    await t.services.resolution.candidatesFor(police, d.id);
    expect((await candidateOf(a.id, b.id))?.status).toBe('open');
    expect(await candidateOf(c.id, d.id)).toBeNull();
  });

  it('proposes people by nickname and home postcode, and a different date of birth counts against', async () => {
    const robert = await person('Robert', 'Example', { dateOfBirth: '1990-04-01' });
    const bob = await person('Bob', 'Example');
    const other = await person('Robert', 'Example', { dateOfBirth: '1975-11-20' });
    const home = await t.services.intelligence.createEntity(police, {
      kind: 'location',
      name: '3 Example Road',
      postcode: 'LS2 7EW',
      placeType: 'address',
      latitude: 53.8,
      longitude: -1.55,
    });
    await personLink(robert, home.id, 'lives_at');
    await personLink(bob, home.id, 'lives_at');
    const c = await candidateOf(robert, bob);
    const reasons = (c?.reasons ?? []) as Reason[];
    expect(reasons.map((r) => r.reason)).toContain(
      'One name is a nickname or another spelling of the other (from the nickname table)',
    );
    expect(reasons.map((r) => r.reason)).toContain('Both live at the same postcode');
    expect(await candidateOf(robert, other)).toBeNull();
  });
});

describe('the review list', () => {
  it('is best score first, one page at a time', async () => {
    const now = t.clock.now();
    const ids = await t.services.withTransaction(async (tx) => {
      const rows = await tx
        .insert(intelEntity)
        .values(
          Array.from({ length: 2 * (PAGE_SIZE + 5) }, (_, i) => ({
            kind: 'phone' as const,
            label: `Paging ${i}`,
            createdByAgencyId: police.actor?.agencyId ?? '',
            createdAt: now,
          })),
        )
        .returning({ id: intelEntity.id });
      return rows.map((r) => r.id);
    });
    const values = Array.from({ length: PAGE_SIZE + 5 }, (_, i) => {
      const [entityA, entityB] = pairOf(ids[2 * i] ?? '', ids[2 * i + 1] ?? '');
      return {
        entityA,
        entityB,
        score: 0.5 + (i % 7) / 100,
        reasons: [{ reason: 'Synthetic', weight: 0.5 }],
        status: 'unsure' as const,
        foundAt: now,
      };
    });
    await t.services.withTransaction((tx) => tx.insert(intelCandidate).values(values));
    const seen: { id: string; score: number }[] = [];
    let after: string | undefined;
    for (let i = 0; i < 5; i += 1) {
      const page = await t.services.resolution.queue(analyst, 'unsure', after ? { after } : {});
      seen.push(...page.rows.map((r) => ({ id: r.candidate.id, score: r.candidate.score })));
      if (!page.next) break;
      expect(page.rows).toHaveLength(PAGE_SIZE);
      after = page.next;
    }
    const mine = seen.filter((s) => s.score < 0.6 && s.score >= 0.5);
    expect(mine).toHaveLength(PAGE_SIZE + 5);
    expect(new Set(seen.map((s) => s.id)).size).toBe(seen.length);
    const scores = seen.map((s) => s.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
  });
});
