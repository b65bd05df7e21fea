import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { requirePermission } from '../../platform/access/guard';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { ConflictError, NotFoundError } from '../../platform/http/errors';
import { type Priority, priorities, thresholdOutcome, triageDeadline } from './tables';

export interface Outcome {
  code: string;
  label: string;
  strategyDiscussion: boolean;
}

/** The hub's threshold table, for an area that has not set its own. */
export const defaultOutcomes: Outcome[] = [
  { code: 'nfa', label: 'No further action', strategyDiscussion: false },
  { code: 'advice', label: 'Information and advice', strategyDiscussion: false },
  { code: 'early_help', label: 'Early help', strategyDiscussion: false },
  { code: 'cin', label: 'Child in need assessment', strategyDiscussion: false },
  { code: 'strategy', label: 'Strategy discussion', strategyDiscussion: true },
];

/** Hours from the notice to the decision, by priority, for an area that has not set its own. */
export const defaultDeadlineHours: Record<Priority, number> = { red: 4, amber: 24, green: 72 };

export async function outcomesFor(tx: Tx, authorityCode: string): Promise<Outcome[]> {
  const rows = await tx
    .select()
    .from(thresholdOutcome)
    .where(eq(thresholdOutcome.authorityCode, authorityCode))
    .orderBy(asc(thresholdOutcome.position));
  return rows.length === 0
    ? defaultOutcomes
    : rows.map((r) => ({ code: r.code, label: r.label, strategyDiscussion: r.strategyDiscussion === 'yes' }));
}

export async function deadlineHoursFor(tx: Tx, authorityCode: string): Promise<Record<Priority, number>> {
  const rows = await tx.select().from(triageDeadline).where(eq(triageDeadline.authorityCode, authorityCode));
  const hours = { ...defaultDeadlineHours };
  for (const r of rows) hours[r.priority] = r.hours;
  return hours;
}

export const outcomeInput = z.object({
  code: z
    .string({ error: 'Enter a short code' })
    .trim()
    .toLowerCase()
    .regex(
      /^[a-z][a-z0-9_]{1,29}$/,
      'Enter a short code of letters, digits and underscores, like early_help',
    ),
  label: z
    .string({ error: 'Enter the decision as practitioners will see it' })
    .trim()
    .min(1, 'Enter the decision as practitioners will see it')
    .max(100, 'The decision must be 100 characters or fewer'),
  strategyDiscussion: z.enum(['yes', 'no'], { error: 'Say whether it means a strategy discussion' }),
});

const hoursField = (label: string) =>
  z.coerce
    .number({ error: `Enter the hours for ${label}` })
    .int(`Enter the hours for ${label} as a whole number`)
    .min(1, `The hours for ${label} must be at least 1`)
    .max(720, `The hours for ${label} must be 720 or fewer`);
export const deadlineInput = z
  .object({ red: hoursField('red'), amber: hoursField('amber'), green: hoursField('green') })
  .refine((h) => h.red <= h.amber && h.amber <= h.green, {
    path: ['amber'],
    message: 'Red must be the shortest deadline and green the longest',
  });

/** An area's threshold table and deadlines, kept by the hub administrator. */
export class ThresholdsService {
  constructor(private readonly withTransaction: WithTransaction) {}

  private area(code: string): string {
    if (!findLocalAuthority(code)) throw new NotFoundError();
    return code;
  }

  async get(ctx: Context, areaCode: string) {
    requirePermission(ctx, 'threshold:manage');
    const area = this.area(areaCode);
    return this.withTransaction(async (tx) => {
      const own = await tx.select().from(thresholdOutcome).where(eq(thresholdOutcome.authorityCode, area));
      return {
        outcomes: await outcomesFor(tx, area),
        ownTable: own.length > 0,
        hours: await deadlineHoursFor(tx, area),
      };
    });
  }

  /** Writes the hub's defaults as the area's own table, so a change starts from them. */
  private async ownTable(tx: Tx, area: string) {
    const current = await outcomesFor(tx, area);
    const [any] = await tx
      .select()
      .from(thresholdOutcome)
      .where(eq(thresholdOutcome.authorityCode, area))
      .limit(1);
    if (!any) {
      await tx.insert(thresholdOutcome).values(
        current.map((o, position) => ({
          authorityCode: area,
          code: o.code,
          label: o.label,
          position,
          strategyDiscussion: o.strategyDiscussion ? ('yes' as const) : ('no' as const),
        })),
      );
    }
    return current;
  }

  async addOutcome(ctx: Context, areaCode: string, raw: z.input<typeof outcomeInput>): Promise<void> {
    requirePermission(ctx, 'threshold:manage');
    const area = this.area(areaCode);
    const input = outcomeInput.parse(raw);
    await this.withTransaction(async (tx) => {
      const current = await this.ownTable(tx, area);
      if (current.some((o) => o.code === input.code)) {
        throw new ConflictError('The area already has a decision with that code', 'code');
      }
      await tx.insert(thresholdOutcome).values({ authorityCode: area, ...input, position: current.length });
      await recordAudit(tx, ctx, { action: 'threshold.outcome.add', subjectType: 'threshold_outcome' });
    });
  }

  async removeOutcome(ctx: Context, areaCode: string, code: string): Promise<void> {
    requirePermission(ctx, 'threshold:manage');
    const area = this.area(areaCode);
    await this.withTransaction(async (tx) => {
      const current = await this.ownTable(tx, area);
      if (!current.some((o) => o.code === code)) throw new NotFoundError();
      if (current.length <= 2)
        throw new ConflictError('A threshold table needs at least two decisions', 'remove');
      await tx
        .delete(thresholdOutcome)
        .where(and(eq(thresholdOutcome.authorityCode, area), eq(thresholdOutcome.code, code)));
      await recordAudit(tx, ctx, { action: 'threshold.outcome.remove', subjectType: 'threshold_outcome' });
    });
  }

  async setHours(ctx: Context, areaCode: string, raw: z.input<typeof deadlineInput>): Promise<void> {
    requirePermission(ctx, 'threshold:manage');
    const area = this.area(areaCode);
    const hours = deadlineInput.parse(raw);
    await this.withTransaction(async (tx) => {
      await tx.delete(triageDeadline).where(eq(triageDeadline.authorityCode, area));
      await tx
        .insert(triageDeadline)
        .values(priorities.map((priority) => ({ authorityCode: area, priority, hours: hours[priority] })));
      await recordAudit(tx, ctx, { action: 'threshold.deadlines.set', subjectType: 'triage_deadline' });
    });
  }
}
