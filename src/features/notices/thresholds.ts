import { asc, eq } from 'drizzle-orm';
import type { Tx } from '../../platform/db/client';
import { type Priority, thresholdOutcome, triageDeadline } from './tables';

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
