import { randomUUID } from 'node:crypto';
import { and, count, eq, isNull, ne, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { recordAudit, sealAll, verifyAuditLog } from '../../platform/audit/audit';
import { auditEvent, auditReason } from '../../platform/audit/tables';
import { appUser } from '../../platform/auth/tables';
import type { Context } from '../../platform/context';
import { formDraft } from '../../platform/drafts/tables';
import { NotFoundError, ValidationError } from '../../platform/http/errors';
import { idempotencyKey } from '../../platform/http/tables';
import { seedDemoRecords } from '../../synth/demo-records';
import { alert, concern } from '../alerts/tables';
import { caseNote } from '../chronology/tables';
import { episode } from '../episodes/tables';
import { intelEntity, intelLink, intelLog } from '../intelligence/tables';
import { notice, noticeContribution, noticeDecision } from '../notices/tables';
import { placement } from '../placements/tables';
import { childShare } from '../sharing/tables';
import { sighting, sightingAccessCode } from '../sightings/tables';
import { addMonths } from './retention.service';

let t: TestApp;
let hub: Context;
let police: Context;
let target: { id: string; givenName: string; familyName: string };
let fullName: string;
let entityId: string;
let otherEntityId: string;
let sightingId: string;
let otherEpisodes: number;

const WHEN_ACTIVE = '2012-01-10T09:00:00Z';
const WHEN_DUE = '2040-01-10T09:00:00Z';

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set(WHEN_ACTIVE);
  await seedDemoRecords(t.services.withTransaction, t.clock, { children: 12, episodes: 40, homes: 2 });
  hub = await contextFor(t, 'hub.admin@lantern.invalid');
  police = await contextFor(t, 'agency.admin@lantern.invalid');
  const social = await contextFor(t, 'social.mash@lantern.invalid');
  const at = t.clock.now();

  await t.services.withTransaction(async (tx) => {
    // The child with the most episodes, none open, whose full name no other child shares.
    const [picked] = await tx
      .select({ id: child.id, givenName: child.givenName, familyName: child.familyName })
      .from(child)
      .where(
        sql`not exists (select 1 from child o where o.id <> ${child.id} and o.given_name = ${child.givenName} and o.family_name = ${child.familyName})
            and not exists (select 1 from episode e where e.child_id = ${child.id} and e.ended_at is null)`,
      )
      .orderBy(sql`(select count(*) from episode e where e.child_id = ${child.id}) desc`, child.id)
      .limit(1);
    if (!picked) throw new Error('no demo child');
    target = picked;
    fullName = `${picked.givenName} ${picked.familyName}`;
    // The placement ended then: an open one keeps the record active.
    await tx
      .update(placement)
      .set({ endDate: sql`greatest(${placement.startDate}, '2012-01-09'::date)` })
      .where(and(eq(placement.childId, target.id), isNull(placement.endDate)));
    const [ep] = await tx
      .select({ id: episode.id })
      .from(episode)
      .where(eq(episode.childId, target.id))
      .limit(1);
    const episodeId = ep?.id ?? randomUUID();
    const actor = { userId: social.actor?.userId ?? '', agencyId: social.actor?.agencyId ?? '' };

    // Records of every kind about the child, several naming them in free text.
    await tx.insert(caseNote).values({
      childId: target.id,
      agencyId: actor.agencyId,
      authorUserId: actor.userId,
      note: `Spoke to ${fullName} at school`,
      createdAt: at,
    });
    const [c] = await tx
      .insert(concern)
      .values({
        childId: target.id,
        raisedByUserId: actor.userId,
        raisedByAgencyId: actor.agencyId,
        details: `${fullName} seen getting into cars`,
        raisedAt: at,
      })
      .returning({ id: concern.id });
    await tx.insert(alert).values({
      agencyId: actor.agencyId,
      kind: 'concern-raised',
      childId: null,
      subjectType: 'concern',
      subjectId: c?.id ?? randomUUID(),
      priority: 'high',
      createdAt: at,
    });
    const [n] = await tx
      .insert(notice)
      .values({
        childId: target.id,
        categories: ['missing'],
        whatHappened: `${fullName} was found in a car park`,
        source: 'Probe',
        areaAuthorityCode: social.actor?.localAuthorityCode ?? '',
        raisedByAgencyId: actor.agencyId,
        raisedByUserId: actor.userId,
        raisedAt: at,
        decisionDueAt: at,
        decidedAt: at,
      })
      .returning({ id: notice.id });
    const noticeId = n?.id ?? '';
    await tx.insert(noticeContribution).values({
      noticeId,
      agencyId: actor.agencyId,
      userId: actor.userId,
      information: `Known to us as ${fullName}`,
      createdAt: at,
    });
    await tx.insert(noticeDecision).values({
      noticeId,
      outcomeCode: 'nfa',
      outcomeLabel: 'No further action',
      strategyDiscussion: 'no',
      rationale: 'Probe',
      proposedByUserId: actor.userId,
      proposedAt: at,
      policeConfirmedByUserId: actor.userId,
      policeConfirmedAt: at,
      socialCareConfirmedByUserId: actor.userId,
      socialCareConfirmedAt: at,
      finalAt: at,
    });
    const [e1, e2] = await tx
      .insert(intelEntity)
      .values([
        {
          kind: 'person',
          label: 'Probe Adult',
          createdByUserId: actor.userId,
          createdByAgencyId: actor.agencyId,
          createdAt: at,
        },
        {
          kind: 'vehicle',
          label: 'Probe Van',
          createdByUserId: actor.userId,
          createdByAgencyId: actor.agencyId,
          createdAt: at,
        },
      ])
      .returning({ id: intelEntity.id });
    entityId = e1?.id ?? '';
    otherEntityId = e2?.id ?? '';
    const grades = { sourceGrade: '2', informationGrade: 'B', handlingCode: 'P' } as const;
    const author = {
      authorUserId: actor.userId,
      authorAgencyId: actor.agencyId,
      createdAt: at,
      occurredAt: at,
    };
    await tx.insert(intelLink).values([
      {
        childId: target.id,
        entityId,
        type: 'seen_with',
        sourceType: 'episode',
        sourceId: episodeId,
        ...grades,
        ...author,
      },
      // Derived from the child's episode, though it joins two entities: it goes with the child.
      {
        fromEntityId: entityId,
        entityId: otherEntityId,
        type: 'travelled_in',
        sourceType: 'episode',
        sourceId: episodeId,
        ...grades,
        ...author,
      },
    ]);
    await tx.insert(intelLog).values({
      childId: target.id,
      summary: `${fullName} mentioned a van`,
      occurredAt: at,
      authorUserId: actor.userId,
      authorAgencyId: actor.agencyId,
      createdAt: at,
    });
    await tx.insert(childShare).values({
      childId: target.id,
      agencyId: police.actor?.agencyId ?? '',
      lawfulBasis: 'safeguarding_children',
      reason: `Sharing ${fullName}'s record`,
      approvedBy: 'Probe Manager',
      sharedByUserId: actor.userId,
      sharedByAgencyId: actor.agencyId,
      createdAt: at,
      validTo: addMonths(at, 1),
    });
    await tx.insert(formDraft).values({
      userId: actor.userId,
      formKey: `episode:${target.id}`,
      fields: { childId: target.id, note: `Draft about ${fullName}` },
      savedAt: at,
    });
    await tx.insert(idempotencyKey).values({
      credentialId: randomUUID(),
      key: randomUUID(),
      method: 'GET',
      path: `/api/v1/children/${target.id}`,
      requestHash: 'probe',
      status: 200,
      body: JSON.stringify({ id: target.id, name: fullName }),
      createdAt: at,
    });
    await recordAudit(
      tx,
      { ...social, reason: `Corrected the spelling of ${fullName}` },
      {
        action: 'child.correct',
        subjectType: 'child',
        subjectId: target.id,
        childId: target.id,
      },
    );
    // A sighting nobody linked to a child, held by the area's MASH.
    const [code] = await tx
      .insert(sightingAccessCode)
      .values({
        agencyId: actor.agencyId,
        areaAuthorityCode: social.actor?.localAuthorityCode ?? '',
        label: 'Probe',
        codeHash: randomUUID(),
        createdAt: at,
      })
      .returning({ id: sightingAccessCode.id });
    const [s] = await tx
      .insert(sighting)
      .values({
        reference: `S-${randomUUID().slice(0, 9)}`,
        accessCodeId: code?.id ?? '',
        agencyId: actor.agencyId,
        areaAuthorityCode: social.actor?.localAuthorityCode ?? '',
        seenAt: at,
        place: 'Probe Hotel',
        whatSeen: 'Probe',
        createdAt: at,
      })
      .returning({ id: sighting.id });
    sightingId = s?.id ?? '';
    const [others] = await tx.select({ n: count() }).from(episode).where(ne(episode.childId, target.id));
    otherEpisodes = Number(others?.n ?? 0);
  });
  t.clock.set(WHEN_DUE);
}, 240_000);
afterAll(async () => {
  await t?.close();
});

/** Every place outside the audit log where the id, or the full name, of the child still appears. */
async function traces(id: string, name: string): Promise<string[]> {
  const { rows } = await t.database.raw.query<{
    schema: string;
    table: string;
    column: string;
    type: string;
  }>(
    `select c.table_schema as schema, c.table_name as table, c.column_name as column, c.data_type as type
       from information_schema.columns c
       join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where t.table_type = 'BASE TABLE'
        and c.table_schema not in ('pg_catalog', 'information_schema')
        and c.data_type in ('uuid', 'text', 'character varying', 'jsonb', 'json', 'ARRAY')`,
  );
  const found: string[] = [];
  for (const r of rows) {
    const col = `"${r.schema}"."${r.table}"."${r.column}"`;
    const from = `"${r.schema}"."${r.table}"`;
    // The audit log keeps opaque ids by design; it never holds names.
    const lookFor = r.table === 'audit_event' ? [name] : r.type === 'uuid' ? [id] : [id, name];
    for (const needle of lookFor) {
      const hit = await t.database.raw.query<{ n: number }>(
        `select count(*)::int as n from ${from} where ${col}::text ilike $1`,
        [`%${needle}%`],
      );
      if (Number(hit.rows[0]?.n) > 0) found.push(`${r.schema}.${r.table}.${r.column}`);
    }
  }
  // Names kept in two columns.
  const { rows: pairs } = await t.database.raw.query<{ table: string }>(
    `select table_name as table from information_schema.columns
      where table_schema = 'public' and column_name = 'given_name'
        and table_name in (select table_name from information_schema.columns where column_name = 'family_name')`,
  );
  for (const p of pairs) {
    const hit = await t.database.raw.query<{ n: number }>(
      `select count(*)::int as n from "${p.table}" where given_name = $1 and family_name = $2`,
      [target.givenName, target.familyName],
    );
    if (Number(hit.rows[0]?.n) > 0) found.push(`public.${p.table}.given_name+family_name`);
  }
  return found;
}

describe('retention reviews', () => {
  it('lists a child as due once the period after its last activity and its 25th birthday have both passed', async () => {
    const list = await t.services.retention.dueList(hub, { recordType: 'child' });
    expect(list.rows.map((r) => r.recordId)).toContain(target.id);
    t.clock.set(WHEN_ACTIVE);
    const early = await t.services.retention.dueList(hub, { recordType: 'child' });
    expect(early.rows.map((r) => r.recordId)).not.toContain(target.id);
    t.clock.set(WHEN_DUE);
  });

  it('lists to an agency’s administrator only what the agency holds, and nothing to other roles', async () => {
    const all = await t.services.retention.dueList(hub);
    const own = await t.services.retention.dueList(police);
    expect(all.total).toBeGreaterThan(own.total);
    for (const r of own.rows) expect(r.agencyId).toBe(police.actor?.agencyId);
    const types = new Set(all.rows.map((r) => r.recordType));
    expect(types).toEqual(new Set(['child', 'sighting', 'nfa_notice', 'intelligence_entity']));
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    await expect(t.services.retention.dueList(social)).rejects.toBeInstanceOf(NotFoundError);
    // The police administrator may not act on the Leeds MASH's sighting: it looks missing.
    await expect(t.services.retention.review(police, 'sighting', sightingId)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('keeps a due record for another period with a reason, then lists it again when that period ends', async () => {
    await expect(
      t.services.retention.keep(hub, 'sighting', sightingId, { reason: ' ' }),
    ).rejects.toBeInstanceOf(ValidationError);
    const until = await t.services.retention.keep(hub, 'sighting', sightingId, {
      reason: 'Operation still open',
    });
    expect(until.toISOString()).toBe(
      addMonths(new Date(WHEN_DUE), t.config.retention.sightingMonths).toISOString(),
    );
    const after = await t.services.retention.dueList(hub, { recordType: 'sighting' });
    expect(after.rows.map((r) => r.recordId)).not.toContain(sightingId);
    await expect(t.services.retention.review(hub, 'sighting', sightingId)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    t.clock.set(addMonths(until, 1));
    const review = await t.services.retention.review(hub, 'sighting', sightingId);
    expect(review.kept[0]?.reason).toBe('Operation still open');
    t.clock.set(WHEN_DUE);
  });

  it('disposes of a child and every copy: no table outside the audit log holds its id or name, and the chain verifies', async () => {
    expect(await traces(target.id, fullName)).not.toEqual([]);
    const result = await t.services.retention.dispose(hub, 'child', target.id, {
      reason: 'No involvement for six years and past the 25th birthday',
    });
    const left = await traces(target.id, fullName);
    const tables = Object.keys(result.removed).length;
    const rowsRemoved = Object.values(result.removed).reduce((a, b) => a + b, 0);
    await sealAll(t.services.withTransaction);
    const chain = await verifyAuditLog(t.services.withTransaction);
    const events = await t.services.withTransaction((tx) =>
      tx
        .select({ e: auditEvent, reason: auditReason.text })
        .from(auditEvent)
        .leftJoin(auditReason, eq(auditReason.id, auditEvent.reasonId))
        .where(and(eq(auditEvent.action, 'retention.dispose'), eq(auditEvent.subjectId, target.id))),
    );
    console.log(
      `Retention: one child disposed of, ${rowsRemoved} rows removed from ${tables} tables; ${left.length} columns still hold its id or name; audit chain ${chain.ok ? 'verifies' : 'BROKEN'} (${chain.sealed} links)`,
    );
    expect(left).toEqual([]);
    expect(chain.ok).toBe(true);
    expect(events).toHaveLength(1);
    expect(events[0]?.e).toMatchObject({
      subjectType: 'child',
      childId: null,
      actorUserId: hub.actor?.userId,
    });
    expect(events[0]?.reason).toBe('No involvement for six years and past the 25th birthday');
    expect(result.removed).toMatchObject({ child: 1, episode: expect.any(Number), notice: 1, case_note: 1 });
    // The child's own links, and the link between two entities taken from the child's episode.
    expect(result.removed.intel_link).toBeGreaterThanOrEqual(2);
    const derived = await t.services.withTransaction((tx) =>
      tx.select().from(intelLink).where(eq(intelLink.entityId, otherEntityId)),
    );
    expect(derived).toEqual([]);
    // Everyone else's records are untouched, and the entities stay (they no longer link to anyone).
    const [others] = await t.services.withTransaction((tx) => tx.select({ n: count() }).from(episode));
    expect(Number(others?.n)).toBe(otherEpisodes);
    const entities = await t.services.withTransaction((tx) =>
      tx.select({ id: intelEntity.id }).from(intelEntity).where(eq(intelEntity.id, entityId)),
    );
    expect(entities).toHaveLength(1);
    await expect(t.services.retention.review(hub, 'child', target.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('disposes of an intelligence entity with no links, and of the entities merged into it', async () => {
    const merged = await t.services.withTransaction(async (tx) => {
      const [u] = await tx.select({ id: appUser.id, agencyId: appUser.agencyId }).from(appUser).limit(1);
      const [row] = await tx
        .insert(intelEntity)
        .values({
          kind: 'person',
          label: 'Probe Duplicate',
          createdByUserId: u?.id ?? '',
          createdByAgencyId: u?.agencyId ?? '',
          createdAt: new Date(WHEN_ACTIVE),
          mergedIntoId: entityId,
        })
        .returning({ id: intelEntity.id });
      return row?.id ?? '';
    });
    const listed = await t.services.retention.dueList(hub, { recordType: 'intelligence_entity' });
    expect(listed.rows.map((r) => r.recordId)).toEqual(expect.arrayContaining([entityId, otherEntityId]));
    const result = await t.services.retention.dispose(hub, 'intelligence_entity', entityId, {
      reason: 'Probe',
    });
    expect(result.removed.intel_entity).toBe(2);
    const left = await t.services.withTransaction((tx) =>
      tx
        .select({ id: intelEntity.id })
        .from(intelEntity)
        .where(sql`${intelEntity.id} in (${entityId}, ${merged})`),
    );
    expect(left).toEqual([]);
    const [own] = await t.services.withTransaction((tx) =>
      tx
        .select({ n: count() })
        .from(agency)
        .where(eq(agency.id, hub.actor?.agencyId ?? '')),
    );
    expect(Number(own?.n)).toBe(1);
  });
});
