import { z } from 'zod';
import { requirePermission } from '../../platform/access/guard';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError } from '../../platform/http/errors';
import { decodeCursor, PAGE_SIZE } from '../../platform/http/pagination';
import * as children from '../children/children.repository';
import { type ChronologyFilter, chronologyFacts, chronologyPage } from './chronology.query';
import { caseNote } from './tables';

export { type ChronologyEntry, type EventType, eventTypes } from './chronology.query';

export const newCaseNote = z.object({
  note: z
    .string({ error: 'Enter the note' })
    .trim()
    .min(1, 'Enter the note')
    .max(8000, 'The note must be 8,000 characters or fewer'),
});

/**
 * The multi-agency chronology of one child: everything each agency has recorded, in time order,
 * filterable by type and agency, with case notes.
 */
export class ChronologyService {
  constructor(private readonly withTransaction: WithTransaction) {}

  async addNote(ctx: Context, childId: string, raw: z.input<typeof newCaseNote>): Promise<void> {
    requirePermission(ctx, 'child:view');
    const { note } = newCaseNote.parse(raw);
    await this.withTransaction(async (tx) => {
      const found = await children.findVisibleChild(tx, ctx, childId);
      if (!found) throw new NotFoundError();
      const [row] = await tx
        .insert(caseNote)
        .values({
          childId,
          agencyId: ctx.actor.agencyId,
          authorUserId: ctx.actor.userId,
          note,
          createdAt: ctx.clock.now(),
        })
        .returning({ id: caseNote.id });
      await recordAudit(tx, ctx, {
        action: 'case-note.add',
        subjectType: 'case_note',
        subjectId: row?.id,
        childId,
      });
    });
  }

  /**
   * One page of the child's chronology, newest first, with the filters applied; the number of
   * events in all and the agencies that recorded them, for the filters.
   */
  async page(
    ctx: Context,
    childId: string,
    options: ChronologyFilter & { after?: string; size?: number } = {},
  ) {
    requirePermission(ctx, 'child:view');
    const cursor = decodeCursor(options.after, 3);
    return this.withTransaction(async (tx) => {
      const found = await children.findVisibleChild(tx, ctx, childId);
      if (!found) throw new NotFoundError();
      const page = await chronologyPage(tx, ctx, childId, options, cursor, options.size ?? PAGE_SIZE);
      const facts = await chronologyFacts(tx, ctx, childId);
      await recordAudit(tx, ctx, {
        action: 'chronology.view',
        subjectType: 'child',
        subjectId: childId,
        childId,
      });
      return { ...page, ...facts };
    });
  }

  /** The child's latest events, for the child's page: no counting, just whether there are more. */
  async latest(ctx: Context, childId: string, size: number) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const found = await children.findVisibleChild(tx, ctx, childId);
      if (!found) throw new NotFoundError();
      return chronologyPage(tx, ctx, childId, {}, null, size);
    });
  }
}
