import type { z } from 'zod';
import { childVisibleTo } from '../../platform/access/child-access';
import { requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/http/errors';
import { decodeCursor, PAGE_SIZE, pageOf } from '../../platform/http/pagination';
import type { AlertsService } from '../alerts/alerts.service';
import * as children from '../children/children.repository';
import type { LocationsService } from '../locations/locations.service';
import type { PlacementsService } from '../placements/placements.service';
import * as repo from './episodes.repository';
import {
  type CloseEpisode,
  closeEpisode,
  correctEpisode,
  type GradeEpisode,
  type ReportEpisode,
  reportEpisode,
} from './schemas';

/** A return interview is due this long after the child comes back: an absolute duration. */
export const RETURN_INTERVIEW_DUE_MS = 72 * 3_600_000;

export function returnInterviewDueAt(endedAt: Date): Date {
  return new Date(endedAt.getTime() + RETURN_INTERVIEW_DUE_MS);
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}

export class EpisodesService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly alerts: AlertsService,
    private readonly placements: PlacementsService,
    private readonly locations: LocationsService,
  ) {}

  /** A place named on a report, looked up before the transaction opens; null when none was given. */
  private async place(name: string | undefined, postcode: string | undefined) {
    return name || postcode ? this.locations.resolve({ name: name ?? postcode ?? '', postcode }) : null;
  }

  private async visibleEpisode(tx: Tx, ctx: Context, id: string) {
    const row = await repo.findEpisode(tx, id, childVisibleTo(ctx, child.id));
    if (!row) throw new NotFoundError();
    return row;
  }

  /**
   * Reports a child missing or absent. One open episode per child: a second is refused here with
   * a clear message, and by the database should two reports race. The force where the child went
   * missing gets access to the child.
   */
  async report(ctx: Context, childId: string, raw: z.input<typeof reportEpisode>): Promise<string> {
    requirePermission(ctx, 'episode:report');
    const input: ReportEpisode = reportEpisode.parse(raw);
    const now = ctx.clock.now();
    if (input.startedAt > now) {
      throw new ValidationError([
        { field: 'startedAt', message: 'When the child was last seen must be in the past' },
      ]);
    }
    const lastSeen = await this.place(input.lastSeenLocation, input.lastSeenPostcode);
    try {
      return await this.withTransaction(async (tx) => {
        const found = await children.findVisibleChild(tx, ctx, childId);
        if (!found) throw new NotFoundError();
        // Lantern is for children: once the record is handed over or closed at 18 it takes no new episodes.
        if (found.recordStatus !== 'open') {
          throw new ConflictError(
            found.recordStatus === 'handed_over'
              ? 'This record has been handed over, so no new episode can be reported here: report to the police as for an adult'
              : 'This record is closed, so no new episode can be reported here: report to the police as for an adult',
            'kind',
          );
        }
        if (await repo.openEpisodeOf(tx, childId)) {
          throw new ConflictError(
            'This child already has an open episode: update or close it instead',
            'kind',
          );
        }
        const id = await repo.insertEpisode(tx, {
          childId,
          kind: input.kind,
          startedAt: input.startedAt,
          reportedAt: now,
          reportedByUserId: ctx.actor.userId,
          reportedByAgencyId: ctx.actor.agencyId,
          lastSeenLocation: input.lastSeenLocation ?? null,
          lastSeenPostcode: input.lastSeenPostcode ?? null,
          lastSeenLocationId: lastSeen ? await this.locations.insert(tx, lastSeen, now) : null,
          circumstances: input.circumstances ?? null,
          clothing: input.clothing ?? null,
          possiblyWith: input.possiblyWith ?? null,
          policeReference: input.policeReference ?? null,
          policeForceCode: input.policeForceCode,
          searchedBeforeReporting: input.searchedBeforeReporting ?? null,
          calledChild: input.calledChild ?? null,
          contactedFriendsFamily: input.contactedFriendsFamily ?? null,
          createdAt: now,
        });
        const forceAgency = await repo.policeAgencyOf(tx, input.policeForceCode);
        const placing = found.responsibleAuthorityCode
          ? await repo.authorityAgencyOf(tx, found.responsibleAuthorityCode)
          : null;
        if (placing) {
          await children.grantAccess(tx, {
            childId,
            agencyId: placing,
            basis: 'placing_authority',
            sourceId: id,
            validFrom: now,
          });
        }
        // Everyone who should know hears at once, even when the placing authority reported it
        // (seed 6.19): the placing and host authorities, the force, the host force and the home.
        const placed = await this.placements.current(tx, childId);
        const host = placed ? await repo.authorityAgencyOf(tx, placed.hostAuthorityCode) : null;
        const hostForceCode = placed
          ? findLocalAuthority(placed.hostAuthorityCode)?.policeForceCode
          : undefined;
        const hostForce = hostForceCode ? await repo.policeAgencyOf(tx, hostForceCode) : null;
        await this.alerts.raise(tx, ctx, {
          kind: 'episode-reported',
          agencyIds: [placing, host, forceAgency, hostForce, ctx.actor.agencyId],
          childId,
          subjectType: 'episode',
          subjectId: id,
          key: `episode-reported:${id}`,
        });
        if (forceAgency) {
          await children.grantAccess(tx, {
            childId,
            agencyId: forceAgency,
            basis: 'episode_force',
            sourceId: id,
            validFrom: now,
          });
        }
        await recordAudit(tx, ctx, {
          action: 'episode.report',
          subjectType: 'episode',
          subjectId: id,
          childId,
        });
        return id;
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError('This child already has an open episode: update or close it instead', 'kind');
      }
      throw error;
    }
  }

  async get(ctx: Context, id: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const row = await this.visibleEpisode(tx, ctx, id);
      const gradings = await repo.gradingsOf(tx, id);
      const kindChanges = await repo.kindChangesOf(tx, id);
      const returnInterview = await repo.returnInterviewOf(tx, id);
      await recordAudit(tx, ctx, {
        action: 'episode.view',
        subjectType: 'episode',
        subjectId: id,
        childId: row.child.id,
      });
      return { ...row, gradings, kindChanges, returnInterview };
    });
  }

  /**
   * Corrects one detail of an episode with a reason; the old value stays in the history. Flags,
   * alerts and reports read the episode as it now is.
   */
  async correct(ctx: Context, id: string, raw: z.input<typeof correctEpisode>): Promise<void> {
    requirePermission(ctx, 'episode:report');
    const input = correctEpisode.parse(raw);
    await this.withTransaction(async (tx) => {
      const row = await this.visibleEpisode(tx, ctx, id);
      if (row.episode.enteredInErrorAt) throw new ConflictError('The episode was entered in error', 'field');
      const oldValue = row.episode[input.field];
      const value = input.value ?? null;
      if ((oldValue ?? null) === value) {
        throw new ValidationError([{ field: 'value', message: 'The new value is the same as the old one' }]);
      }
      await repo.updateEpisode(tx, id, { [input.field]: value });
      await repo.insertCorrection(tx, {
        episodeId: id,
        field: input.field,
        oldValue: oldValue ?? null,
        newValue: value,
        reason: input.reason,
        correctedByUserId: ctx.actor.userId,
        correctedAt: ctx.clock.now(),
      });
      await recordAudit(tx, ctx, {
        action: 'episode.correct',
        subjectType: 'episode',
        subjectId: id,
        childId: row.child.id,
        reason: input.reason,
      });
    });
  }

  /**
   * Marks an episode entered in error, instead of deleting it: it stays visible with the reason but
   * counts for nothing (flags, agendas, reports), and its return interview is no longer owed.
   */
  async markEnteredInError(ctx: Context, id: string, reason: string): Promise<void> {
    requirePermission(ctx, 'episode:report');
    const why = reason.trim();
    if (why.length < 5) {
      throw new ValidationError([
        { field: 'errorReason', message: 'Say why the episode was entered in error' },
      ]);
    }
    await this.withTransaction(async (tx) => {
      const row = await this.visibleEpisode(tx, ctx, id);
      if (row.episode.enteredInErrorAt)
        throw new ConflictError('The episode is already marked as entered in error', 'errorReason');
      await repo.updateEpisode(tx, id, {
        enteredInErrorAt: ctx.clock.now(),
        enteredInErrorReason: why,
        enteredInErrorByUserId: ctx.actor.userId,
      });
      await recordAudit(tx, ctx, {
        action: 'episode.entered-in-error',
        subjectType: 'episode',
        subjectId: id,
        childId: row.child.id,
        reason: why,
      });
    });
  }

  async corrections(ctx: Context, id: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      await this.visibleEpisode(tx, ctx, id);
      return repo.correctionsOf(tx, id);
    });
  }

  /** The child's multi-agency chronology of episodes, gradings and return interviews, newest first. */
  /**
   * What the child's page shows of episodes: the latest page of them (those entered in error
   * included, marked as such), whether there are more, and the open episode with its latest grading.
   */
  async overviewForChild(ctx: Context, childId: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const found = await children.findVisibleChild(tx, ctx, childId);
      if (!found) throw new NotFoundError();
      const latest = await repo.episodesOfChild(tx, childId, PAGE_SIZE + 1);
      const episodes = latest.slice(0, PAGE_SIZE);
      const open =
        episodes.find((e) => e.endedAt === null && e.enteredInErrorAt === null) ??
        (await repo.openEpisodeRowOf(tx, childId));
      const grading = open ? await repo.latestGradingOf(tx, open.id) : null;
      return {
        episodes,
        more: latest.length > PAGE_SIZE,
        open,
        currentRisk: open ? { episode: open, grading } : null,
      };
    });
  }

  /**
   * A child's missing history for the profile sheet: the latest few episodes, the open one, and
   * how many there have been in all and in the last year (none entered in error).
   */
  async historyForChild(ctx: Context, childId: string, latest = 5) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const found = await children.findVisibleChild(tx, ctx, childId);
      if (!found) throw new NotFoundError();
      const now = ctx.clock.now();
      const yearAgo = new Date(now.getTime() - 365 * 24 * 3600 * 1000);
      const recent = (await repo.episodesOfChild(tx, childId, latest + 10))
        .filter((e) => e.enteredInErrorAt === null)
        .slice(0, latest);
      const open = await repo.openEpisodeRowOf(tx, childId);
      const counts = await repo.episodeTotalsOf(tx, childId, yearAgo);
      return { recent, open, ...counts };
    });
  }

  /**
   * The reviews a force has let slip: open episodes of children the actor may see whose latest
   * grading's review time has passed, most overdue first. Police see their own force's episodes
   * (and any with no force recorded, so no review is left without an owner).
   */
  async overdueReviews(ctx: Context, options: { after?: string } = {}) {
    requirePermission(ctx, 'episode:grade');
    const cursor = decodeCursor(options.after, 2);
    return this.withTransaction(async (tx) => {
      const rows = await repo.overdueReviews(
        tx,
        ctx.clock.now(),
        childVisibleTo(ctx, child.id),
        ctx.actor.policeForceCode,
        cursor,
        PAGE_SIZE + 1,
      );
      await recordAudit(tx, ctx, { action: 'episode.reviews-overdue', subjectType: 'episode' });
      return pageOf(rows, PAGE_SIZE, (r) => [r.nextReviewAt?.toISOString() ?? null, r.episodeId]);
    });
  }

  /** A police grading, with its rationale and next review; every grading is kept. */
  async grade(ctx: Context, id: string, input: GradeEpisode): Promise<void> {
    requirePermission(ctx, 'episode:grade');
    const now = ctx.clock.now();
    if (input.nextReviewAt && input.nextReviewAt <= now) {
      throw new ValidationError([
        { field: 'nextReviewAt', message: 'The next review must be in the future' },
      ]);
    }
    await this.withTransaction(async (tx) => {
      const row = await this.visibleEpisode(tx, ctx, id);
      if (row.episode.endedAt) {
        throw new ValidationError([
          { field: 'grade', message: 'The episode has closed: it can no longer be graded' },
        ]);
      }
      await repo.insertGrading(tx, {
        episodeId: id,
        grade: input.grade,
        rationale: input.rationale,
        gradedAt: now,
        gradedByUserId: ctx.actor.userId,
        nextReviewAt: input.nextReviewAt ?? null,
      });
      if (input.grade === 'high') {
        // High risk: immediate deployment, and children's social care told at once.
        const forceAgency = row.episode.policeForceCode
          ? await repo.policeAgencyOf(tx, row.episode.policeForceCode)
          : null;
        const placing = row.child.responsibleAuthorityCode
          ? await repo.authorityAgencyOf(tx, row.child.responsibleAuthorityCode)
          : null;
        await this.alerts.raise(tx, ctx, {
          kind: 'episode-graded-high',
          agencyIds: [forceAgency, placing, row.episode.reportedByAgencyId],
          childId: row.child.id,
          subjectType: 'episode',
          subjectId: id,
          priority: 'high',
          alsoEmailRole: { role: 'missing_coordinator', agencyIds: [forceAgency] },
          key: `episode-graded-high:${id}:${now.toISOString()}`,
        });
      }
      await recordAudit(tx, ctx, {
        action: 'episode.grade',
        subjectType: 'episode',
        subjectId: id,
        childId: row.child.id,
      });
    });
  }

  /** Changes missing to absent or back, with a reason; the change is kept. */
  async changeKind(ctx: Context, id: string, kind: 'missing' | 'absent', reason: string): Promise<void> {
    requirePermission(ctx, 'episode:report');
    await this.withTransaction(async (tx) => {
      const row = await this.visibleEpisode(tx, ctx, id);
      if (row.episode.kind === kind) {
        throw new ValidationError([{ field: 'kind', message: `The episode is already recorded as ${kind}` }]);
      }
      await repo.insertKindChange(tx, {
        episodeId: id,
        fromKind: row.episode.kind,
        toKind: kind,
        reason,
        changedAt: ctx.clock.now(),
        changedByUserId: ctx.actor.userId,
      });
      await repo.updateEpisode(tx, id, { kind });
      await recordAudit(tx, ctx, {
        action: 'episode.kind-change',
        subjectType: 'episode',
        subjectId: id,
        childId: row.child.id,
      });
    });
  }

  /**
   * Closes the episode when the child is found or returns, and creates the return interview, due
   * 72 hours after the return and owned by the placing authority where there is one.
   */
  async close(
    ctx: Context,
    id: string,
    raw: z.input<typeof closeEpisode>,
  ): Promise<{ returnInterviewId: string; dueAt: Date }> {
    requirePermission(ctx, 'episode:close');
    const input: CloseEpisode = closeEpisode.parse(raw);
    const now = ctx.clock.now();
    if (input.endedAt > now) {
      throw new ValidationError([
        { field: 'endedAt', message: 'When the child was found or returned must be in the past' },
      ]);
    }
    const foundAt = await this.place(input.foundLocation, input.foundPostcode);
    return this.withTransaction(async (tx) => {
      const row = await this.visibleEpisode(tx, ctx, id);
      if (row.episode.endedAt) throw new ConflictError('The episode is already closed', 'endedAt');
      if (input.endedAt < row.episode.startedAt) {
        throw new ValidationError([
          {
            field: 'endedAt',
            message: 'When the child was found or returned must be after they were last seen',
          },
        ]);
      }
      await repo.updateEpisode(tx, id, {
        endedAt: input.endedAt,
        foundLocation: input.foundLocation ?? null,
        foundLocationId: foundAt ? await this.locations.insert(tx, foundAt, now) : null,
        foundWith: input.foundWith ?? null,
        returnedTo: input.returnedTo ?? null,
        preventionInterviewAt: input.preventionInterviewAt ?? null,
        preventionInterviewNotes: input.preventionInterviewNotes ?? null,
        closedByUserId: ctx.actor.userId,
      });
      const placing = row.child.responsibleAuthorityCode
        ? await repo.authorityAgencyOf(tx, row.child.responsibleAuthorityCode)
        : null;
      const owner = placing ?? row.episode.reportedByAgencyId;
      const assigned = (await repo.returnInterviewProviderOf(tx, owner)) ?? owner;
      const dueAt = returnInterviewDueAt(input.endedAt);
      const returnInterviewId = await repo.insertReturnInterview(tx, {
        episodeId: id,
        childId: row.child.id,
        ownerAgencyId: owner,
        assignedAgencyId: assigned,
        dueAt,
        createdAt: now,
      });
      // Whoever owns or holds the interview must be able to open the child's record.
      const grants = [
        { agencyId: owner, basis: placing ? ('placing_authority' as const) : ('case_team' as const) },
        { agencyId: assigned, basis: 'case_team' as const },
      ];
      for (const g of grants) {
        await children.grantAccess(tx, {
          childId: row.child.id,
          ...g,
          sourceId: returnInterviewId,
          validFrom: now,
        });
      }
      await recordAudit(tx, ctx, {
        action: 'episode.close',
        subjectType: 'episode',
        subjectId: id,
        childId: row.child.id,
      });
      return { returnInterviewId, dueAt };
    });
  }
}
