import { and, asc, desc, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import { childVisibleTo } from '../../platform/access/child-access';
import { requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import { auditEvent } from '../../platform/audit/tables';
import { appUser } from '../../platform/auth/tables';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError } from '../../platform/http/errors';
import { formatDateTime } from '../../platform/views/filters';
import { episode, returnInterview } from '../episodes/tables';
import { notice } from '../notices/tables';
import { sighting } from '../sightings/tables';
import { type Acting, linkVisibleTo } from './intelligence.service';
import { entityKindNames, linkTypeNames } from './schemas';
import {
  type EntityKind,
  intelEntity,
  intelLink,
  intelLog,
  type LinkSource,
  type LinkType,
  warningNotice,
  warningNoticeBreach,
} from './tables';

export const sourceTypeNames: Record<LinkSource, string> = {
  episode: 'Episode',
  return_interview: 'Return interview',
  sighting: 'Sighting',
  notice: 'Child concern notice',
  log: 'Intelligence log entry',
};

/** The record a link or a breach came from, described in a line. */
export interface SourceDescription {
  type: LinkSource;
  typeName: string;
  id: string;
  /** Whether the reader may see the record itself; if not, only its type and id are given. */
  visible: boolean;
  description: string;
}

const key = (type: string, id: string) => `${type}:${id}`;
const unseen = 'A record you may not see';
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * One line for each source record: an episode's dates, a return interview's date, a sighting's
 * reference, a log entry's summary. A record the reader may not see is named by type and id only.
 */
export async function describeSources(
  tx: Tx,
  ctx: Acting,
  refs: { type: LinkSource; id: string }[],
): Promise<Map<string, SourceDescription>> {
  const ids = (type: LinkSource) => [...new Set(refs.filter((r) => r.type === type).map((r) => r.id))];
  const out = new Map<string, SourceDescription>();
  const put = (type: LinkSource, id: string, visible: boolean, description: string) =>
    out.set(key(type, id), {
      type,
      typeName: sourceTypeNames[type],
      id,
      visible,
      description: visible ? description : unseen,
    });
  const seen = (column: Parameters<typeof childVisibleTo>[1]) =>
    sql<boolean>`(${column} is null or ${childVisibleTo(ctx, column)})`;

  const episodes = ids('episode');
  if (episodes.length > 0) {
    const rows = await tx
      .select({
        e: episode,
        visible: sql<boolean>`${childVisibleTo(ctx, episode.childId)}`,
      })
      .from(episode)
      .where(inArray(episode.id, episodes));
    for (const { e, visible } of rows) {
      const what = e.kind === 'missing' ? 'Missing' : 'Absent';
      const until = e.endedAt ? ` to ${formatDateTime(e.endedAt)}` : ', not yet found or returned';
      const ref = e.policeReference ? `; police reference ${e.policeReference}` : '';
      put('episode', e.id, Boolean(visible), `${what} from ${formatDateTime(e.startedAt)}${until}${ref}`);
    }
  }
  const interviews = ids('return_interview');
  if (interviews.length > 0) {
    const rows = await tx
      .select({
        r: returnInterview,
        visible: sql<boolean>`${childVisibleTo(ctx, returnInterview.childId)}`,
      })
      .from(returnInterview)
      .where(inArray(returnInterview.id, interviews));
    for (const { r, visible } of rows) {
      const what =
        r.status === 'held' && r.heldAt
          ? `Held ${formatDateTime(r.heldAt)}${r.heldWhere ? ` at ${r.heldWhere}` : ''}`
          : `Not held (${r.status}); due ${formatDateTime(r.dueAt)}`;
      put('return_interview', r.id, Boolean(visible), what);
    }
  }
  const sightings = ids('sighting');
  if (sightings.length > 0) {
    const rows = await tx
      .select({ s: sighting, visible: seen(sighting.childId) })
      .from(sighting)
      .where(inArray(sighting.id, sightings));
    for (const { s, visible } of rows) {
      put(
        'sighting',
        s.id,
        Boolean(visible),
        `Reference ${s.reference}: seen ${formatDateTime(s.seenAt)} at ${clip(s.place, 120)}`,
      );
    }
  }
  const notices = ids('notice');
  if (notices.length > 0) {
    const actor = ctx.actor;
    const rows = await tx
      .select({
        n: notice,
        // A notice about a young person not yet identified: its own agency and its area's MASH.
        visible: sql<boolean>`case when ${notice.childId} is null then (${notice.raisedByAgencyId} = ${actor.agencyId} or ${notice.areaAuthorityCode} = ${actor.localAuthorityCode ?? ''}) else ${childVisibleTo(ctx, notice.childId)} end`,
      })
      .from(notice)
      .where(inArray(notice.id, notices));
    for (const { n, visible } of rows) {
      put('notice', n.id, Boolean(visible), `Raised ${formatDateTime(n.raisedAt)}`);
    }
  }
  const logs = ids('log');
  if (logs.length > 0) {
    const rows = await tx
      .select({ l: intelLog, visible: seen(intelLog.childId) })
      .from(intelLog)
      .where(inArray(intelLog.id, logs));
    for (const { l, visible } of rows) {
      put('log', l.id, Boolean(visible), `${formatDateTime(l.occurredAt)}: ${clip(l.summary, 200)}`);
    }
  }
  // A source that has gone (it should not) is still named.
  for (const r of refs) {
    if (!out.has(key(r.type, r.id))) {
      out.set(key(r.type, r.id), {
        type: r.type,
        typeName: sourceTypeNames[r.type],
        id: r.id,
        visible: false,
        description: 'The record was not found',
      });
    }
  }
  return out;
}

export interface BreachView {
  id: string;
  occurredAt: string;
  recordedAt: string;
  linkId: string | null;
  linkType: LinkType | null;
  /** `in_error` when the link that showed the breach was later entered in error. */
  status: 'recorded' | 'in_error';
  source: SourceDescription;
}

export interface NoticeView {
  id: string;
  person: { id: string; label: string };
  child: { id: string; name: string };
  servedBy: { userId: string | null; name: string | null; agencyId: string; agency: string };
  servedOn: string;
  terms: string;
  reviewOn: string;
  recordedAt: string;
  endedAt: string | null;
  endedReason: string | null;
  /** Breaches the reader may see, oldest first. */
  breaches: BreachView[];
  /** Breaches from intelligence another agency recorded with conditions: counted, not shown. */
  breachesWithheld: number;
}

/**
 * Warning notices matching `where` about children the reader may see, newest first, each with its
 * breaches. A breach shown by a link the reader may not see (handling code C, another agency) is
 * counted, not described.
 */
export async function loadNotices(tx: Tx, ctx: Acting, where: SQL, limit = 200): Promise<NoticeView[]> {
  const rows = await tx
    .select({
      n: warningNotice,
      personLabel: intelEntity.label,
      childGiven: child.givenName,
      childFamily: child.familyName,
      servedBy: appUser.name,
      servedByAgency: agency.name,
    })
    .from(warningNotice)
    .innerJoin(intelEntity, eq(intelEntity.id, warningNotice.personId))
    .innerJoin(child, eq(child.id, warningNotice.childId))
    .leftJoin(appUser, eq(appUser.id, warningNotice.servedByUserId))
    .innerJoin(agency, eq(agency.id, warningNotice.servedByAgencyId))
    .where(and(where, childVisibleTo(ctx, warningNotice.childId)))
    .orderBy(desc(warningNotice.servedOn), desc(warningNotice.createdAt), desc(warningNotice.id))
    .limit(limit);
  if (rows.length === 0) return [];
  const breaches = await tx
    .select({ b: warningNoticeBreach, link: intelLink })
    .from(warningNoticeBreach)
    .leftJoin(intelLink, eq(intelLink.id, warningNoticeBreach.linkId))
    .where(
      inArray(
        warningNoticeBreach.noticeId,
        rows.map((r) => r.n.id),
      ),
    )
    .orderBy(asc(warningNoticeBreach.occurredAt), asc(warningNoticeBreach.id));
  const shown = breaches.filter(
    ({ link }) => !link || link.handlingCode === 'P' || link.authorAgencyId === ctx.actor.agencyId,
  );
  const sources = await describeSources(
    tx,
    ctx,
    shown.map(({ b }) => ({ type: b.sourceType, id: b.sourceId })),
  );
  return rows.map((r) => {
    const mine = breaches.filter(({ b }) => b.noticeId === r.n.id);
    const visible = shown.filter(({ b }) => b.noticeId === r.n.id);
    return {
      id: r.n.id,
      person: { id: r.n.personId, label: r.personLabel },
      child: { id: r.n.childId, name: `${r.childGiven} ${r.childFamily}` },
      servedBy: {
        userId: r.n.servedByUserId,
        name: r.servedBy,
        agencyId: r.n.servedByAgencyId,
        agency: r.servedByAgency,
      },
      servedOn: r.n.servedOn,
      terms: r.n.terms,
      reviewOn: r.n.reviewOn,
      recordedAt: r.n.createdAt.toISOString(),
      endedAt: r.n.endedAt?.toISOString() ?? null,
      endedReason: r.n.endedReason,
      breaches: visible.map(({ b, link }) => ({
        id: b.id,
        occurredAt: b.occurredAt.toISOString(),
        recordedAt: b.recordedAt.toISOString(),
        linkId: b.linkId,
        linkType: link?.type ?? null,
        status: link?.enteredInErrorAt ? 'in_error' : 'recorded',
        source: sources.get(key(b.sourceType, b.sourceId)) as SourceDescription,
      })),
      breachesWithheld: mine.length - visible.length,
    };
  });
}

/** An audit row that recorded a link's creation: where to find it in the tamper-evident log. */
export interface AuditReference {
  seq: number;
  id: string;
  at: string;
  requestId: string | null;
  /** Whether the sealer has chained the row yet. */
  sealed: boolean;
}

export interface EvidenceEntry {
  linkId: string;
  type: LinkType;
  typeName: string;
  occurredAt: string;
  recordedAt: string;
  from: { kind: 'child' | 'entity'; id: string; label: string };
  to: { kind: EntityKind; kindName: string; id: string; label: string };
  source: SourceDescription;
  grading: {
    source: string;
    information: string;
    handlingCode: 'P' | 'C';
    handlingConditions: string | null;
    /** As written on forms: "2B P". */
    code: string;
  };
  author: { userId: string | null; name: string | null; agencyId: string; agency: string };
  audit: AuditReference[];
}

export interface EvidencePack {
  marking: 'OFFICIAL-SENSITIVE';
  subject:
    | { type: 'child'; id: string; name: string; dateOfBirth: string | null; policePersonId: string | null }
    | {
        type: 'entity';
        id: string;
        kind: EntityKind;
        kindName: string;
        label: string;
        aliases: string[];
        dateOfBirth: string | null;
        approximateAge: number | null;
        mergedIntoId: string | null;
      };
  producedAt: string;
  producedBy: { userId: string; name: string; agencyId: string; agency: string };
  /** The request that produced the pack: its own audit row carries the same id. */
  reference: string;
  entries: EvidenceEntry[];
  /** How many entries carry handling code C: conditions on passing the pack on. */
  conditionalEntries: number;
  /** Set when there were more links than one pack lists. */
  truncated: boolean;
  warningNotices: NoticeView[];
}

/** More than this and the pack says it is cut short: a pack is read, not mined. */
export const EVIDENCE_LIMIT = 5000;

/**
 * Evidence packs: for a child or a person of concern, every link the reader may see with its
 * source, 3x5x2 grading, author, times and the audit row that recorded it, and the warning
 * notices with their breaches, as a printable page and JSON. Only with `intelligence:view`;
 * producing a pack is audited.
 */
export class EvidenceService {
  constructor(private readonly withTransaction: WithTransaction) {}

  async forChild(ctx: Context, childId: string): Promise<EvidencePack> {
    requirePermission(ctx, 'intelligence:view');
    return this.withTransaction(async (tx) => {
      const [c] = await tx
        .select()
        .from(child)
        .where(and(eq(child.id, childId), childVisibleTo(ctx, child.id)));
      if (!c) throw new NotFoundError();
      const { entries, truncated } = await this.entries(tx, ctx, eq(intelLink.childId, childId));
      const warningNotices = await loadNotices(tx, ctx, eq(warningNotice.childId, childId));
      await recordAudit(tx, ctx, {
        action: 'intelligence.evidence-pack',
        subjectType: 'child',
        subjectId: childId,
        childId,
      });
      return this.pack(ctx, {
        subject: {
          type: 'child',
          id: c.id,
          name: `${c.givenName} ${c.familyName}`,
          dateOfBirth: c.dateOfBirth,
          policePersonId: c.policePersonId,
        },
        entries,
        truncated,
        warningNotices,
      });
    });
  }

  async forEntity(ctx: Context, entityId: string): Promise<EvidencePack> {
    requirePermission(ctx, 'intelligence:view');
    return this.withTransaction(async (tx) => {
      const [e] = await tx.select().from(intelEntity).where(eq(intelEntity.id, entityId));
      if (!e) throw new NotFoundError();
      const { entries, truncated } = await this.entries(
        tx,
        ctx,
        or(eq(intelLink.entityId, entityId), eq(intelLink.fromEntityId, entityId)) as SQL,
      );
      // Notices name the person as recorded; one merged into this entity counts as this one.
      const warningNotices =
        e.kind === 'person'
          ? await loadNotices(
              tx,
              ctx,
              sql`${warningNotice.personId} in (select ${intelEntity.id} from ${intelEntity} where ${intelEntity.id} = ${entityId} or ${intelEntity.mergedIntoId} = ${entityId})`,
            )
          : [];
      await recordAudit(tx, ctx, {
        action: 'intelligence.evidence-pack',
        subjectType: 'intel_entity',
        subjectId: entityId,
      });
      // Each child whose records the pack shows: every read of a child's record is audited.
      const children = new Set([
        ...entries.filter((x) => x.from.kind === 'child').map((x) => x.from.id),
        ...warningNotices.map((n) => n.child.id),
      ]);
      for (const id of children) {
        await recordAudit(tx, ctx, {
          action: 'intelligence.evidence-pack',
          subjectType: 'intel_entity',
          subjectId: entityId,
          childId: id,
        });
      }
      return this.pack(ctx, {
        subject: {
          type: 'entity',
          id: e.id,
          kind: e.kind,
          kindName: entityKindNames[e.kind],
          label: e.label,
          aliases: e.aliases ?? [],
          dateOfBirth: e.dateOfBirth,
          approximateAge: e.approximateAge,
          mergedIntoId: e.mergedIntoId,
        },
        entries,
        truncated,
        warningNotices,
      });
    });
  }

  private pack(
    ctx: Acting,
    parts: Pick<EvidencePack, 'subject' | 'entries' | 'truncated' | 'warningNotices'>,
  ): EvidencePack {
    return {
      marking: 'OFFICIAL-SENSITIVE',
      subject: parts.subject,
      producedAt: ctx.clock.now().toISOString(),
      producedBy: {
        userId: ctx.actor.userId,
        name: ctx.actor.name,
        agencyId: ctx.actor.agencyId,
        agency: ctx.actor.agencyName,
      },
      reference: ctx.requestId,
      entries: parts.entries,
      conditionalEntries: parts.entries.filter((x) => x.grading.handlingCode === 'C').length,
      truncated: parts.truncated,
      warningNotices: parts.warningNotices,
    };
  }

  /** The links matching `where` that the reader may see, oldest first, with everything a pack shows. */
  private async entries(
    tx: Tx,
    ctx: Acting,
    where: SQL,
  ): Promise<{ entries: EvidenceEntry[]; truncated: boolean }> {
    const fromEntity = sql<
      string | null
    >`(select ${intelEntity.label} from ${intelEntity} where ${intelEntity.id} = ${intelLink.fromEntityId})`;
    const rows = await tx
      .select({
        link: intelLink,
        entityLabel: intelEntity.label,
        entityKind: intelEntity.kind,
        childGiven: child.givenName,
        childFamily: child.familyName,
        fromLabel: fromEntity,
        authorName: appUser.name,
        authorAgency: agency.name,
      })
      .from(intelLink)
      .innerJoin(intelEntity, eq(intelEntity.id, intelLink.entityId))
      .leftJoin(child, eq(child.id, intelLink.childId))
      .leftJoin(appUser, eq(appUser.id, intelLink.authorUserId))
      .innerJoin(agency, eq(agency.id, intelLink.authorAgencyId))
      .where(and(where, linkVisibleTo(ctx)))
      .orderBy(asc(intelLink.occurredAt), asc(intelLink.createdAt), asc(intelLink.id))
      .limit(EVIDENCE_LIMIT + 1);
    const truncated = rows.length > EVIDENCE_LIMIT;
    const kept = rows.slice(0, EVIDENCE_LIMIT);
    const audit = await auditReferences(
      tx,
      kept.map((r) => r.link.id),
    );
    const sources = await describeSources(
      tx,
      ctx,
      kept.map((r) => ({ type: r.link.sourceType, id: r.link.sourceId })),
    );
    const entries = kept.map(({ link, ...r }): EvidenceEntry => {
      const conditions = link.handlingCode === 'C' ? link.handlingConditions : null;
      return {
        linkId: link.id,
        type: link.type,
        typeName: linkTypeNames[link.type],
        occurredAt: link.occurredAt.toISOString(),
        recordedAt: link.createdAt.toISOString(),
        from: link.childId
          ? { kind: 'child', id: link.childId, label: `${r.childGiven ?? ''} ${r.childFamily ?? ''}`.trim() }
          : { kind: 'entity', id: link.fromEntityId ?? '', label: r.fromLabel ?? '' },
        to: {
          kind: r.entityKind,
          kindName: entityKindNames[r.entityKind],
          id: link.entityId,
          label: r.entityLabel,
        },
        source: sources.get(key(link.sourceType, link.sourceId)) as SourceDescription,
        grading: {
          source: link.sourceGrade,
          information: link.informationGrade,
          handlingCode: link.handlingCode,
          handlingConditions: conditions,
          code: `${link.sourceGrade}${link.informationGrade} ${link.handlingCode}`,
        },
        author: {
          userId: link.authorUserId,
          name: r.authorName,
          agencyId: link.authorAgencyId,
          agency: r.authorAgency,
        },
        audit: audit.get(link.id) ?? [],
      };
    });
    return { entries, truncated };
  }
}

/** The audit rows that recorded the creation of each link, by link id. */
async function auditReferences(tx: Tx, linkIds: string[]): Promise<Map<string, AuditReference[]>> {
  const out = new Map<string, AuditReference[]>();
  // A bounded number of parameters per statement.
  for (let i = 0; i < linkIds.length; i += 1000) {
    const chunk = linkIds.slice(i, i + 1000);
    const rows = await tx
      .select({
        seq: auditEvent.seq,
        id: auditEvent.id,
        at: auditEvent.occurredAt,
        requestId: auditEvent.requestId,
        subjectId: auditEvent.subjectId,
        chainPos: auditEvent.chainPos,
      })
      .from(auditEvent)
      .where(
        and(
          eq(auditEvent.subjectType, 'intel_link'),
          inArray(auditEvent.subjectId, chunk),
          eq(auditEvent.action, 'intelligence.link'),
        ),
      )
      .orderBy(asc(auditEvent.seq));
    for (const r of rows) {
      const list = out.get(r.subjectId ?? '') ?? [];
      list.push({
        seq: Number(r.seq),
        id: r.id,
        at: r.at.toISOString(),
        requestId: r.requestId,
        sealed: r.chainPos !== null,
      });
      out.set(r.subjectId ?? '', list);
    }
  }
  return out;
}
