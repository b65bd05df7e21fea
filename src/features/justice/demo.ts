import { and, eq, inArray } from 'drizzle-orm';
import type { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import type { Tx } from '../../platform/db/client';
import {
  type JusticeStatus,
  justiceCase,
  justiceCaseStatus,
  justiceContact,
  justiceSpecialMeasure,
  justiceStatement,
  justiceSupportReview,
} from './tables';

const DAY = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);

/** Each demo case's path through the courts, in days before now, and how recently anyone was in touch. */
const paths: { steps: [JusticeStatus, number][]; lastContactDaysAgo: number | null; reviewed?: boolean }[] = [
  { steps: [['investigating', 60]], lastContactDaysAgo: 40 },
  {
    steps: [
      ['investigating', 90],
      ['no_further_action', 10],
    ],
    lastContactDaysAgo: 9,
  },
  {
    steps: [
      ['investigating', 200],
      ['charged', 150],
      ['discontinued', 60],
    ],
    lastContactDaysAgo: 20,
    reviewed: true,
  },
  {
    steps: [
      ['investigating', 300],
      ['charged', 200],
      ['trial', 20],
    ],
    lastContactDaysAgo: 3,
  },
  { steps: [['investigating', 20]], lastContactDaysAgo: null },
  {
    steps: [
      ['investigating', 400],
      ['charged', 300],
      ['trial', 120],
      ['outcome', 100],
    ],
    lastContactDaysAgo: 90,
    reviewed: true,
  },
];

/**
 * A few synthetic justice cases for the demo: recorded by the West Yorkshire force about the first
 * Leeds looked-after children, one of them long without contact so the flag shows, and two ended
 * with a support review waiting. Deterministic.
 */
export async function seedDemoJustice(
  tx: Tx,
  children: (typeof child.$inferSelect)[],
  now: Date,
): Promise<void> {
  const [force] = await tx
    .select({ id: agency.id })
    .from(agency)
    .where(and(eq(agency.type, 'police_force'), inArray(agency.policeForceCode, ['E23000010'])));
  if (!force) return;
  const chosen = children
    .filter((c) => c.lookedAfter && c.responsibleAuthorityCode === 'E08000035')
    .slice(0, 6);
  for (const [i, c] of chosen.entries()) {
    const path = paths[i];
    if (!path) continue;
    const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY);
    const last = path.steps[path.steps.length - 1] ?? path.steps[0];
    if (!last) continue;
    const [row] = await tx
      .insert(justiceCase)
      .values({
        childId: c.id,
        crimeReference: `13/${String(700100 + i * 7)}/${String(at(path.steps[0]?.[1] ?? 0).getUTCFullYear()).slice(2)}`,
        recordedByAgencyId: force.id,
        status: last[0],
        statusOn: day(at(last[1])),
        supporterName: i % 2 === 0 ? 'Jo Example' : 'Sam Sample',
        supporterRole: 'Independent sexual violence adviser',
        supporterAgency: 'Safe Return Project',
        createdAt: at(path.steps[0]?.[1] ?? 0),
      })
      .returning({ id: justiceCase.id });
    if (!row) continue;
    let endingId: string | null = null;
    for (const [status, daysAgo] of path.steps) {
      const [s] = await tx
        .insert(justiceCaseStatus)
        .values({
          caseId: row.id,
          status,
          statusOn: day(at(daysAgo)),
          outcome: status === 'outcome' ? 'Convicted of two offences' : null,
          note: status === 'no_further_action' ? 'Not enough evidence to charge' : null,
          recordedByAgencyId: force.id,
          recordedAt: at(daysAgo),
        })
        .returning({ id: justiceCaseStatus.id });
      if (status === 'no_further_action' || status === 'discontinued' || status === 'outcome')
        endingId = s?.id ?? null;
    }
    if (endingId) {
      await tx.insert(justiceSupportReview).values({
        caseId: row.id,
        childId: c.id,
        statusId: endingId,
        dueAt: new Date(at(last[1]).getTime() + 14 * DAY),
        createdAt: at(last[1]),
        ...(path.reviewed
          ? {
              completedAt: new Date(at(last[1]).getTime() + 7 * DAY),
              outcome: 'continue_support' as const,
              outcomeNote: 'The child wants to keep seeing the adviser',
            }
          : {}),
      });
    }
    await tx.insert(justiceStatement).values({
      caseId: row.id,
      kind: 'abe_interview',
      state: i % 3 === 1 ? 'refused' : 'held',
      occurredOn: day(at((path.steps[0]?.[1] ?? 0) - 3)),
      recordedAt: at((path.steps[0]?.[1] ?? 0) - 3),
    });
    if (path.steps.some(([s]) => s === 'trial')) {
      await tx.insert(justiceSpecialMeasure).values([
        {
          caseId: row.id,
          measure: 'live_link',
          requestedOn: day(at(60)),
          decision: 'granted',
          decidedOn: day(at(45)),
          recordedAt: at(60),
        },
        { caseId: row.id, measure: 'intermediary', requestedOn: day(at(30)), recordedAt: at(30) },
      ]);
    }
    if (path.lastContactDaysAgo !== null) {
      await tx.insert(justiceContact).values({
        caseId: row.id,
        contactAt: at(path.lastContactDaysAgo),
        contactWith: 'both',
        stage: last[0] === 'trial' ? 'during' : endingId ? 'after' : 'before',
        method: 'in_person',
        note: 'Talked through what happens next',
        recordedByAgencyId: force.id,
        recordedAt: at(path.lastContactDaysAgo),
      });
    }
  }
}
