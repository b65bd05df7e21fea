import { and, asc, desc, eq, gte, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { childVisibleTo } from '../../platform/access/child-access';
import { hasPermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { agency, localAuthority } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError } from '../../platform/http/errors';
import type { AlertsService } from '../alerts/alerts.service';
import { episode } from '../episodes/tables';
import { location } from '../locations/tables';
import { inMashAreaOf } from '../notices/notices.service';
import type { Acting, LinkObserver, LinkRow } from './intelligence.service';
import { entityKindNames, linkTypeNames } from './schemas';
import { intelEntity, intelLink, intelPattern, intelPatternEvidence } from './tables';

const DAY = 24 * 3600 * 1000;

/** What a pattern can be about: a place, an adult, a vehicle or a phone (not an online account). */
const patternKinds = ['location', 'person', 'vehicle', 'phone'] as const;

/**
 * Pattern alerts: one place, adult, vehicle or phone linked to several children within a window
 * (by default two children in 90 days) raises one alert, to the MASH of the area, with its reason
 * and evidence; later children add to that pattern rather than raising another. Open patterns go
 * on the area's subgroup agenda.
 */
export class PatternsService implements LinkObserver {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly alerts: AlertsService,
    private readonly rule: { count: number; days: number },
  ) {}

  async onLink(tx: Tx, ctx: Acting, link: LinkRow): Promise<void> {
    if (!link.childId) return;
    const [entity] = await tx
      .select({ id: intelEntity.id, kind: intelEntity.kind, area: location.localAuthorityCode })
      .from(intelEntity)
      .leftJoin(location, eq(location.id, intelEntity.locationId))
      .where(eq(intelEntity.id, link.entityId));
    if (!entity || !(patternKinds as readonly string[]).includes(entity.kind)) return;
    const window = this.rule.days * DAY;
    // Every child link to the entity within the window either side of this one.
    const near = await tx
      .select({ id: intelLink.id, childId: intelLink.childId })
      .from(intelLink)
      .where(
        and(
          eq(intelLink.entityId, entity.id),
          sql`${intelLink.childId} is not null`,
          isNull(intelLink.enteredInErrorAt),
          gte(intelLink.occurredAt, new Date(link.occurredAt.getTime() - window)),
          lte(intelLink.occurredAt, new Date(link.occurredAt.getTime() + window)),
        ),
      );
    const children = new Set(near.map((n) => n.childId));
    const now = ctx.clock.now();
    const [open] = await tx
      .select()
      .from(intelPattern)
      .where(and(eq(intelPattern.entityId, entity.id), isNull(intelPattern.closedAt)));
    if (!open && children.size < this.rule.count) return;
    let patternId: string;
    if (open) {
      patternId = open.id;
      await tx.update(intelPattern).set({ updatedAt: now }).where(eq(intelPattern.id, open.id));
    } else {
      const area = entity.area ?? (await this.areaOfChild(tx, link.childId));
      const [made] = await tx
        .insert(intelPattern)
        .values({
          entityId: entity.id,
          areaAuthorityCode: area,
          windowDays: this.rule.days,
          threshold: this.rule.count,
          raisedAt: now,
          updatedAt: now,
        })
        .returning({ id: intelPattern.id });
      if (!made) throw new Error('pattern insert returned nothing');
      patternId = made.id;
      await this.alerts.raise(tx, ctx, {
        kind: 'intelligence-pattern',
        agencyIds: await this.mashAgencies(tx, area),
        childId: null,
        subjectType: 'intel_pattern',
        subjectId: patternId,
        priority: 'high',
        key: `intel-pattern:${patternId}`,
      });
    }
    // The pattern takes every link of the window as evidence, once each.
    await tx
      .insert(intelPatternEvidence)
      .values(near.map((n) => ({ patternId, linkId: n.id, childId: n.childId ?? '', addedAt: now })))
      .onConflictDoNothing();
    await recordAudit(tx, ctx, {
      action: open ? 'intelligence.pattern-extended' : 'intelligence.pattern-raised',
      subjectType: 'intel_pattern',
      subjectId: patternId,
      childId: link.childId,
    });
  }

  /** The authority whose MASH hears of a pattern when its place has none: the child's. */
  private async areaOfChild(tx: Tx, childId: string): Promise<string | null> {
    const [c] = await tx
      .select({ area: child.responsibleAuthorityCode })
      .from(child)
      .where(eq(child.id, childId));
    return c?.area ?? null;
  }

  /** The agencies of an area's MASH: its children's services and the police force that covers it. */
  private async mashAgencies(tx: Tx, area: string | null): Promise<string[]> {
    if (!area) return [];
    const rows = await tx
      .select({ id: agency.id })
      .from(agency)
      .where(
        and(
          isNull(agency.disabledAt),
          or(
            and(eq(agency.type, 'local_authority'), eq(agency.localAuthorityCode, area)),
            and(
              eq(agency.type, 'police_force'),
              sql`${agency.policeForceCode} = (select ${localAuthority.policeForceCode} from ${localAuthority} where ${localAuthority.code} = ${area})`,
            ),
          ),
        ),
      );
    return rows.map((r) => r.id);
  }

  /**
   * A pattern's page: the entity, the rule, and the evidence the actor may see (children they may
   * not see are counted, never named). For the MASH, subgroup members and intelligence users.
   */
  async get(ctx: Context, id: string) {
    if (
      !ctx.actor ||
      !(
        hasPermission(ctx, 'intelligence:view') ||
        hasPermission(ctx, 'notice:triage') ||
        hasPermission(ctx, 'subgroup:manage')
      )
    ) {
      throw new NotFoundError();
    }
    const acting = ctx as Acting;
    return this.withTransaction(async (tx) => {
      const [row] = await tx
        .select({ pattern: intelPattern, entity: intelEntity, areaName: localAuthority.name })
        .from(intelPattern)
        .innerJoin(intelEntity, eq(intelEntity.id, intelPattern.entityId))
        .leftJoin(localAuthority, eq(localAuthority.code, intelPattern.areaAuthorityCode))
        .where(eq(intelPattern.id, id));
      if (!row) throw new NotFoundError();
      const evidence = await evidenceOf(tx, acting, [id]);
      await recordAudit(tx, ctx, {
        action: 'intelligence.pattern-view',
        subjectType: 'intel_pattern',
        subjectId: id,
      });
      for (const c of new Set(evidence.map((e) => e.child?.id).filter((c): c is string => Boolean(c)))) {
        await recordAudit(tx, ctx, {
          action: 'intelligence.pattern-child',
          subjectType: 'intel_pattern',
          subjectId: id,
          childId: c,
        });
      }
      const children = new Set(evidence.map((e) => e.childKey)).size;
      return {
        ...row,
        children,
        reason: reasonOf(row.entity.kind, row.entity.label, children, row.pattern.windowDays),
        evidence,
      };
    });
  }

  /** Open patterns in the actor's MASH areas, newest first: the top of the MASH queue. */
  async forMash(ctx: Context) {
    if (!ctx.actor || !hasPermission(ctx, 'notice:triage')) throw new NotFoundError();
    return this.withTransaction(async (tx) => {
      const rows = await tx
        .select({
          id: intelPattern.id,
          kind: intelEntity.kind,
          label: intelEntity.label,
          windowDays: intelPattern.windowDays,
          updatedAt: intelPattern.updatedAt,
          children: sql<number>`(select count(distinct ${intelPatternEvidence.childId})::int from ${intelPatternEvidence} where ${intelPatternEvidence.patternId} = ${intelPattern.id})`,
        })
        .from(intelPattern)
        .innerJoin(intelEntity, eq(intelEntity.id, intelPattern.entityId))
        .where(and(inMashAreaOf(ctx, intelPattern.areaAuthorityCode), isNull(intelPattern.closedAt)))
        .orderBy(desc(intelPattern.updatedAt))
        .limit(50);
      return rows.map((r) => ({ ...r, reason: reasonOf(r.kind, r.label, Number(r.children), r.windowDays) }));
    });
  }

  /** Closes a pattern once the MASH has dealt with it; a later link raises a new one. */
  async close(ctx: Context, id: string): Promise<void> {
    if (!ctx.actor || !(hasPermission(ctx, 'notice:triage') || hasPermission(ctx, 'intelligence:view'))) {
      throw new NotFoundError();
    }
    await this.withTransaction(async (tx) => {
      const updated = await tx
        .update(intelPattern)
        .set({ closedAt: ctx.clock.now() })
        .where(and(eq(intelPattern.id, id), isNull(intelPattern.closedAt)))
        .returning({ id: intelPattern.id });
      if (updated.length === 0) throw new NotFoundError();
      await recordAudit(tx, ctx, {
        action: 'intelligence.pattern-close',
        subjectType: 'intel_pattern',
        subjectId: id,
      });
    });
  }
}

/** "3 children linked to one place (14 Example Street) within 90 days." */
export function reasonOf(kind: string, label: string, children: number, days: number): string {
  const what =
    kind === 'person'
      ? 'one adult'
      : `one ${entityKindNames[kind as keyof typeof entityKindNames].toLowerCase()}`;
  return `${children} children linked to ${what} (${label}) within ${days} days`;
}

/** Open patterns of an area, newest first: for the MASH queue and the subgroup agenda. */
export async function openPatternsIn(tx: Tx, area: string, limit = 50) {
  const rows = await tx
    .select({
      id: intelPattern.id,
      kind: intelEntity.kind,
      label: intelEntity.label,
      windowDays: intelPattern.windowDays,
      raisedAt: intelPattern.raisedAt,
      children: sql<number>`(select count(distinct ${intelPatternEvidence.childId})::int from ${intelPatternEvidence} where ${intelPatternEvidence.patternId} = ${intelPattern.id})`,
    })
    .from(intelPattern)
    .innerJoin(intelEntity, eq(intelEntity.id, intelPattern.entityId))
    .where(and(eq(intelPattern.areaAuthorityCode, area), isNull(intelPattern.closedAt)))
    .orderBy(desc(intelPattern.updatedAt))
    .limit(limit);
  return rows.map((r) => ({ ...r, reason: reasonOf(r.kind, r.label, Number(r.children), r.windowDays) }));
}

/** The children in a pattern's evidence. */
export async function childrenOfPatterns(tx: Tx, patternIds: string[]): Promise<Map<string, string[]>> {
  if (patternIds.length === 0) return new Map();
  const rows = await tx
    .selectDistinct({ patternId: intelPatternEvidence.patternId, childId: intelPatternEvidence.childId })
    .from(intelPatternEvidence)
    .where(inArray(intelPatternEvidence.patternId, patternIds));
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.patternId, [...(out.get(r.patternId) ?? []), r.childId]);
  return out;
}

/**
 * The evidence of patterns, oldest first: when, how, the child (named only when the actor may see
 * them) and the episode the link came from.
 */
export async function evidenceOf(
  tx: Tx,
  ctx: Acting,
  patternIds: string[],
  /** On a subgroup agenda the meeting's purpose is the basis for naming them (DESIGN §5). */
  named: 'when-visible' | 'on-agenda' = 'when-visible',
) {
  if (patternIds.length === 0) return [];
  const rows = await tx
    .select({
      patternId: intelPatternEvidence.patternId,
      link: intelLink,
      childId: intelPatternEvidence.childId,
      visible:
        named === 'on-agenda'
          ? sql<boolean>`true`
          : sql<boolean>`${childVisibleTo(ctx, intelPatternEvidence.childId)}`,
      givenName: child.givenName,
      familyName: child.familyName,
      episodeStartedAt: episode.startedAt,
      episodeEndedAt: episode.endedAt,
    })
    .from(intelPatternEvidence)
    .innerJoin(intelLink, eq(intelLink.id, intelPatternEvidence.linkId))
    .innerJoin(child, eq(child.id, intelPatternEvidence.childId))
    .leftJoin(episode, and(eq(intelLink.sourceType, 'episode'), eq(episode.id, intelLink.sourceId)))
    .where(
      and(
        inArray(intelPatternEvidence.patternId, patternIds),
        // A link with handling code C stays inside the agency that recorded it, as everywhere else.
        named === 'on-agenda'
          ? undefined
          : or(eq(intelLink.handlingCode, 'P'), eq(intelLink.authorAgencyId, ctx.actor.agencyId)),
      ),
    )
    .orderBy(asc(intelLink.occurredAt), asc(intelLink.id));
  return rows.map((e) => ({
    patternId: e.patternId,
    at: e.link.occurredAt,
    type: linkTypeNames[e.link.type],
    /** Tells children apart without naming them. */
    childKey: e.childId,
    child: e.visible ? { id: e.childId, name: `${e.givenName} ${e.familyName}` } : null,
    source: e.link.sourceType,
    sourceId: e.link.sourceId,
    episode: e.episodeStartedAt ? { startedAt: e.episodeStartedAt, endedAt: e.episodeEndedAt } : null,
    grading: `${e.link.sourceGrade}${e.link.informationGrade}${e.link.handlingCode}`,
  }));
}
