import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { requirePermission } from '../../platform/access/guard';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError, ValidationError } from '../../platform/http/errors';
import { londonDate } from '../../platform/http/london-time';
import { findVisibleChild } from '../children/children.repository';
import {
  careEpisode,
  categoriesOfNeed,
  legalStatuses,
  reasonsCeased,
  reasonsNewEpisode,
  reasonsPlaceChange,
} from './tables';

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

export const newCareEpisode = z.object({
  startedOn: z
    .string({ error: 'Enter the start date' })
    .regex(isoDate, 'Enter the start date as a real date'),
  reasonNewEpisode: z.enum(reasonsNewEpisode, { error: 'Choose the reason for the new episode (RNE)' }),
  legalStatus: z.enum(legalStatuses, { error: 'Choose the legal status (LS)' }),
  categoryOfNeed: z.enum(categoriesOfNeed, { error: 'Choose the category of need (CIN)' }),
});
export type NewCareEpisode = z.input<typeof newCareEpisode>;

export const careEpisodeEnding = z.object({
  endedOn: z.string({ error: 'Enter the end date' }).regex(isoDate, 'Enter the end date as a real date'),
  reasonCeased: z.enum(reasonsCeased, { error: 'Choose the reason the episode ended (REC)' }),
  reasonPlaceChange: z
    .enum(reasonsPlaceChange, { error: 'Choose a reason for the placement change' })
    .optional(),
});
export type CareEpisodeEnding = z.input<typeof careEpisodeEnding>;

export const enteredInError = z.object({
  reason: z
    .string({ error: 'Say why the episode was entered in error' })
    .trim()
    .min(1, 'Say why the episode was entered in error')
    .max(1000, 'The reason must be 1,000 characters or fewer'),
});

export type CareEpisodeRow = typeof careEpisode.$inferSelect;

const parseOrThrow = <T extends z.ZodType>(schema: T, raw: unknown): z.output<T> => {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const seen = new Set<string>();
  throw new ValidationError(
    parsed.error.issues
      .map((i) => ({ field: String(i.path[0] ?? 'form'), message: i.message }))
      .filter((e) => !seen.has(e.field) && seen.add(e.field)),
  );
};

/** True when two periods share more than a boundary day (an episode may end the day the next starts). */
export function periodsOverlap(
  a: { startedOn: string; endedOn: string | null },
  b: { startedOn: string; endedOn: string | null },
): boolean {
  const aEnd = a.endedOn ?? '9999-12-31';
  const bEnd = b.endedOn ?? '9999-12-31';
  return a.startedOn < bEnd && b.startedOn < aEnd;
}

/**
 * The care episodes of looked-after children (SSDA903's episodes, less the placement): recorded,
 * ended and entered in error by the responsible authority's staff. Never deleted.
 */
export class CareEpisodesService {
  constructor(private readonly withTransaction: WithTransaction) {}

  private async child(tx: Tx, ctx: Context, childId: string) {
    const row = await findVisibleChild(tx, ctx, childId);
    if (!row) throw new NotFoundError();
    return row;
  }

  private async live(tx: Tx, childId: string) {
    return tx
      .select()
      .from(careEpisode)
      .where(and(eq(careEpisode.childId, childId), isNull(careEpisode.enteredInErrorAt)))
      .orderBy(asc(careEpisode.startedOn));
  }

  /** A child's care episodes, oldest first, those entered in error included (and marked). */
  async list(ctx: Context, childId: string) {
    requirePermission(ctx, 'care-episode:record');
    return this.withTransaction(async (tx) => {
      const child = await this.child(tx, ctx, childId);
      const episodes = await tx
        .select()
        .from(careEpisode)
        .where(eq(careEpisode.childId, childId))
        .orderBy(asc(careEpisode.startedOn), asc(careEpisode.createdAt));
      await recordAudit(tx, ctx, {
        action: 'care-episode.list',
        subjectType: 'child',
        subjectId: childId,
        childId,
      });
      return { child, episodes };
    });
  }

  async record(ctx: Context, childId: string, raw: NewCareEpisode): Promise<string> {
    requirePermission(ctx, 'care-episode:record');
    const input = parseOrThrow(newCareEpisode, raw);
    return this.withTransaction(async (tx) => {
      const child = await this.child(tx, ctx, childId);
      const errors: { field: string; message: string }[] = [];
      if (!child.lookedAfter || !child.responsibleAuthorityCode) {
        errors.push({
          field: 'startedOn',
          message:
            'Only a looked-after child with a responsible authority has care episodes: correct the child’s record first',
        });
      }
      if (input.startedOn > londonDate(ctx.clock.now())) {
        errors.push({ field: 'startedOn', message: 'The start date must be today or in the past' });
      }
      if (child.dateOfBirth && input.startedOn < child.dateOfBirth) {
        errors.push({
          field: 'startedOn',
          message: 'The start date must be on or after the child’s date of birth',
        });
      }
      const existing = await this.live(tx, childId);
      const open = existing.find((e) => e.endedOn === null);
      if (open) {
        errors.push({
          field: 'startedOn',
          message: `The episode that started on ${open.startedOn} is still open: record its end first`,
        });
      } else if (existing.some((e) => periodsOverlap(e, { startedOn: input.startedOn, endedOn: null }))) {
        errors.push({ field: 'startedOn', message: 'The start date falls inside an earlier care episode' });
      }
      if (errors.length > 0) throw new ValidationError(errors);
      const [row] = await tx
        .insert(careEpisode)
        .values({
          childId,
          authorityCode: child.responsibleAuthorityCode ?? '',
          ...input,
          createdByUserId: ctx.actor.userId,
          createdByAgencyId: ctx.actor.agencyId,
          createdAt: ctx.clock.now(),
        })
        .returning({ id: careEpisode.id });
      if (!row) throw new Error('care episode insert returned nothing');
      await recordAudit(tx, ctx, {
        action: 'care-episode.record',
        subjectType: 'care_episode',
        subjectId: row.id,
        childId,
      });
      return row.id;
    });
  }

  async end(ctx: Context, childId: string, episodeId: string, raw: CareEpisodeEnding): Promise<void> {
    requirePermission(ctx, 'care-episode:record');
    const input = parseOrThrow(careEpisodeEnding, raw);
    await this.withTransaction(async (tx) => {
      await this.child(tx, ctx, childId);
      const episodes = await this.live(tx, childId);
      const row = episodes.find((e) => e.id === episodeId);
      if (!row) throw new NotFoundError();
      const errors: { field: string; message: string }[] = [];
      if (row.endedOn) errors.push({ field: 'endedOn', message: 'This care episode has already ended' });
      if (input.endedOn < row.startedOn) {
        errors.push({
          field: 'endedOn',
          message: `The end date must be on or after the start date, ${row.startedOn}`,
        });
      }
      if (input.endedOn > londonDate(ctx.clock.now())) {
        errors.push({ field: 'endedOn', message: 'The end date must be today or in the past' });
      }
      if (input.reasonPlaceChange && input.reasonCeased !== 'X1') {
        errors.push({
          field: 'reasonPlaceChange',
          message: 'Give a reason for a placement change only when care continues (REC X1)',
        });
      }
      const later = episodes.find(
        (e) => e.id !== row.id && e.startedOn > row.startedOn && e.startedOn < input.endedOn,
      );
      if (later) {
        errors.push({
          field: 'endedOn',
          message: `The end date must be on or before the next episode’s start, ${later.startedOn}`,
        });
      }
      if (errors.length > 0) throw new ValidationError(errors);
      await tx
        .update(careEpisode)
        .set({
          endedOn: input.endedOn,
          reasonCeased: input.reasonCeased,
          reasonPlaceChange: input.reasonPlaceChange ?? null,
        })
        .where(eq(careEpisode.id, row.id));
      await recordAudit(tx, ctx, {
        action: 'care-episode.end',
        subjectType: 'care_episode',
        subjectId: row.id,
        childId,
      });
    });
  }

  async enterInError(
    ctx: Context,
    childId: string,
    episodeId: string,
    raw: { reason?: string },
  ): Promise<void> {
    requirePermission(ctx, 'care-episode:record');
    const { reason } = parseOrThrow(enteredInError, raw);
    await this.withTransaction(async (tx) => {
      await this.child(tx, ctx, childId);
      const [row] = await tx
        .select()
        .from(careEpisode)
        .where(
          and(
            eq(careEpisode.id, episodeId),
            eq(careEpisode.childId, childId),
            isNull(careEpisode.enteredInErrorAt),
          ),
        );
      if (!row) throw new NotFoundError();
      await tx
        .update(careEpisode)
        .set({ enteredInErrorAt: ctx.clock.now(), enteredInErrorReason: reason })
        .where(eq(careEpisode.id, row.id));
      await recordAudit(tx, ctx, {
        action: 'care-episode.entered-in-error',
        subjectType: 'care_episode',
        subjectId: row.id,
        childId,
        reason,
      });
    });
  }
}
