import { and, asc, desc, eq, gte, isNotNull, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { childVisibleTo } from '../../platform/access/child-access';
import { requirePermission } from '../../platform/access/guard';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { type DraftsService, draftKey } from '../../platform/drafts/drafts.service';
import type { DraftFields } from '../../platform/drafts/tables';
import { NotFoundError, ValidationError } from '../../platform/http/errors';
import { londonDate } from '../../platform/http/london-time';
import { formatDate } from '../../platform/views/filters';
import * as children from '../children/children.repository';
import { episode, returnInterview } from '../episodes/tables';
import { notice } from '../notices/tables';
import { score } from './scoring';
import { cseScreening } from './tables';
import { type Answer, currentTool, tools } from './tool';

const DAY = 24 * 3_600_000;
const SIX_MONTHS = 183 * DAY;
const TWELVE_MONTHS = 365 * DAY;

export const newScreening = z.object({
  answers: z.record(z.string(), z.enum(['no', 'past', 'current'])),
  reviewOn: z.iso.date({ error: 'Enter the date of the next review as a real date' }),
  notes: z
    .string()
    .trim()
    .max(4000, 'Notes must be 4,000 characters or fewer')
    .transform((v) => v || undefined)
    .optional(),
});
export type NewScreening = z.input<typeof newScreening>;

export interface Prefill {
  answers: Record<string, Answer>;
  /** Why each answer was suggested. */
  reasons: Record<string, string>;
  /** What the practitioner should weigh that maps to no single indicator. */
  notes: string[];
}

/** "current" within six months, "past" within twelve, otherwise nothing. */
function recency(at: Date, now: Date): Answer {
  const age = now.getTime() - at.getTime();
  if (age <= SIX_MONTHS) return 'current';
  if (age <= TWELVE_MONTHS) return 'past';
  return 'no';
}

/**
 * CSE screening: the versioned indicator tool, pre-filled from what the hub already knows, with
 * every screening kept and a review date.
 */
export class ScreeningService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly drafts: DraftsService,
  ) {}

  private async visibleChild(tx: Tx, ctx: Context, childId: string) {
    const found = await children.findVisibleChild(tx, ctx, childId);
    if (!found) throw new NotFoundError();
    return found;
  }

  /**
   * Suggested answers from the hub's records: being looked after, going missing (once or twice, or
   * repeatedly: 3 in 90 days), and harm disclosed in a return interview. The practitioner decides.
   */
  async prefill(ctx: Context, childId: string): Promise<Prefill> {
    requirePermission(ctx, 'screening:record');
    const now = ctx.clock.now();
    return this.withTransaction(async (tx) => {
      const found = await this.visibleChild(tx, ctx, childId);
      const answers: Record<string, Answer> = {};
      const reasons: Record<string, string> = {};
      const notes: string[] = [];
      if (found.lookedAfter) {
        answers.v_care = 'current';
        reasons.v_care = 'The child is looked after';
      }
      const since = new Date(now.getTime() - TWELVE_MONTHS);
      const episodes = await tx
        .select({ startedAt: episode.startedAt })
        .from(episode)
        .where(
          and(eq(episode.childId, childId), gte(episode.startedAt, since), isNull(episode.enteredInErrorAt)),
        )
        .orderBy(asc(episode.startedAt));
      // The latest end of any run of 3 episodes within 90 days.
      let repeatEnd: Date | null = null;
      for (let i = 2; i < episodes.length; i++) {
        const first = episodes[i - 2]?.startedAt;
        const third = episodes[i]?.startedAt;
        if (first && third && third.getTime() - first.getTime() <= 90 * DAY) repeatEnd = third;
      }
      const latest = episodes.at(-1)?.startedAt;
      if (repeatEnd && recency(repeatEnd, now) !== 'no') {
        answers.s_repeat_missing = recency(repeatEnd, now);
        reasons.s_repeat_missing = `Missing or absent 3 or more times within 90 days, the latest on ${formatDate(repeatEnd)}`;
      } else if (latest) {
        answers.m_missing = recency(latest, now);
        reasons.m_missing = `${episodes.length === 1 ? 'One episode' : `${episodes.length} episodes`} in the last 12 months, the latest on ${formatDate(latest)}`;
      }
      const interviews = await tx
        .select({
          heldAt: returnInterview.heldAt,
          harmDisclosed: returnInterview.harmDisclosed,
          exploitationConcerns: returnInterview.exploitationConcerns,
        })
        .from(returnInterview)
        .where(
          and(
            eq(returnInterview.childId, childId),
            isNotNull(returnInterview.heldAt),
            gte(returnInterview.heldAt, since),
          ),
        )
        .orderBy(desc(returnInterview.heldAt));
      const disclosed = interviews.find((i) => i.harmDisclosed);
      if (disclosed?.heldAt) {
        answers.s_disclosure = recency(disclosed.heldAt, now);
        reasons.s_disclosure = `Harm disclosed in the return interview of ${formatDate(disclosed.heldAt)}: check whether it was sexual assault`;
      }
      for (const i of interviews) {
        if (i.exploitationConcerns && i.heldAt) {
          notes.push(
            `Return interview of ${formatDate(i.heldAt)}, exploitation concerns: ${i.exploitationConcerns}`,
          );
        }
      }
      await recordAudit(tx, ctx, {
        action: 'screening.prefill',
        subjectType: 'child',
        subjectId: childId,
        childId,
      });
      return { answers, reasons, notes };
    });
  }

  /** Records a screening with the current tool; its score and level are fixed at this moment. */
  async record(ctx: Context, childId: string, raw: NewScreening): Promise<string> {
    requirePermission(ctx, 'screening:record');
    const input = newScreening.parse(raw);
    const unknown = Object.keys(input.answers).filter(
      (c) => !currentTool.indicators.some((i) => i.code === c),
    );
    if (unknown.length > 0) {
      throw new ValidationError([{ field: 'answers', message: 'Answer only the indicators of the tool' }]);
    }
    const now = ctx.clock.now();
    if (input.reviewOn <= londonDate(now)) {
      throw new ValidationError([{ field: 'reviewOn', message: 'The next review must be after today' }]);
    }
    const result = score(currentTool, input.answers);
    return this.withTransaction(async (tx) => {
      await this.visibleChild(tx, ctx, childId);
      const [row] = await tx
        .insert(cseScreening)
        .values({
          childId,
          toolVersion: currentTool.version,
          answers: Object.fromEntries(Object.entries(input.answers).filter(([, a]) => a !== 'no')),
          items: result.items,
          score: result.score,
          level: result.level,
          reviewOn: input.reviewOn,
          notes: input.notes ?? null,
          screenedByUserId: ctx.actor.userId,
          screenedByAgencyId: ctx.actor.agencyId,
          screenedAt: now,
        })
        .returning({ id: cseScreening.id });
      if (!row) throw new Error('screening insert returned nothing');
      // Others may be screening the child too: only the screener's own draft is done with.
      await this.drafts.clear(tx, ctx, draftKey('screening', childId), 'own');
      await recordAudit(tx, ctx, {
        action: 'screening.record',
        subjectType: 'cse_screening',
        subjectId: row.id,
        childId,
      });
      return row.id;
    });
  }

  /** Saves the actor's draft of a screening of the child, with the same checks as recording one. */
  async saveDraft(ctx: Context, childId: string, fields: DraftFields) {
    requirePermission(ctx, 'screening:record');
    return this.withTransaction(async (tx) => {
      await this.visibleChild(tx, ctx, childId);
      return this.drafts.save(tx, ctx, draftKey('screening', childId), fields, childId);
    });
  }

  async discardDraft(ctx: Context, childId: string): Promise<void> {
    requirePermission(ctx, 'screening:record');
    await this.withTransaction(async (tx) => {
      await this.visibleChild(tx, ctx, childId);
      await this.drafts.discard(tx, ctx, draftKey('screening', childId), childId);
    });
  }

  /** One screening, as it was recorded, with the tool version it used. */
  async get(ctx: Context, id: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(cseScreening)
        .where(and(eq(cseScreening.id, id), childVisibleTo(ctx, cseScreening.childId)));
      if (!row) throw new NotFoundError();
      const about = await this.visibleChild(tx, ctx, row.childId);
      await recordAudit(tx, ctx, {
        action: 'screening.view',
        subjectType: 'cse_screening',
        subjectId: id,
        childId: row.childId,
      });
      return { screening: row, child: about, tool: tools[row.toolVersion] ?? null };
    });
  }

  /**
   * The child's screenings, newest first, and why a new one is due: a review date passed, or a
   * notice about sexual exploitation or a return interview with exploitation concerns since the last.
   */
  async summary(ctx: Context, childId: string) {
    requirePermission(ctx, 'child:view');
    const now = ctx.clock.now();
    return this.withTransaction(async (tx) => {
      await this.visibleChild(tx, ctx, childId);
      const history = await tx
        .select()
        .from(cseScreening)
        .where(eq(cseScreening.childId, childId))
        .orderBy(desc(cseScreening.screenedAt));
      const latest = history[0] ?? null;
      const after = latest?.screenedAt ?? new Date(0);
      const prompts: string[] = [];
      if (latest && latest.reviewOn < londonDate(now)) {
        prompts.push(`The review was due on ${formatDate(latest.reviewOn)}`);
      }
      const [seNotice] = await tx
        .select({ raisedAt: notice.raisedAt })
        .from(notice)
        .where(
          and(
            eq(notice.childId, childId),
            sql`'sexual_exploitation' = any(${notice.categories})`,
            sql`${notice.raisedAt} > ${after}`,
          ),
        )
        .orderBy(desc(notice.raisedAt))
        .limit(1);
      if (seNotice)
        prompts.push(`A notice about sexual exploitation was raised on ${formatDate(seNotice.raisedAt)}`);
      const [concern] = await tx
        .select({ heldAt: returnInterview.heldAt })
        .from(returnInterview)
        .where(
          and(
            eq(returnInterview.childId, childId),
            isNotNull(returnInterview.exploitationConcerns),
            sql`${returnInterview.heldAt} > ${after}`,
          ),
        )
        .orderBy(desc(returnInterview.heldAt))
        .limit(1);
      if (concern?.heldAt) {
        prompts.push(`A return interview on ${formatDate(concern.heldAt)} recorded exploitation concerns`);
      }
      await recordAudit(tx, ctx, {
        action: 'screening.history',
        subjectType: 'child',
        subjectId: childId,
        childId,
      });
      return { history, latest, prompts };
    });
  }
}
