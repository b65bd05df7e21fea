import { sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/client';
import {
  type ReportArea,
  type ReportPeriod,
  type ReportSection,
  rate,
  suppress,
} from '../reports/annual.service';
import { statusNames } from './schemas';
import { type JusticeStatus, justiceStatuses } from './tables';

export interface JusticeFigures {
  opened: number;
  /** Cases open by the period's end, by the status they then had. */
  atEnd: Record<JusticeStatus, number>;
  /** Cases that ended with no further action or were discontinued in the period. */
  droppedInPeriod: number;
  /** Of those, how many had a support review completed by the period's end. */
  droppedReviewed: number;
}

/**
 * The annual report's justice figures: for an authority, the cases of the children it is
 * responsible for; for a force, the cases the force recorded. Cases entered in error count nowhere.
 */
export async function justiceFigures(
  tx: Tx,
  area: ReportArea,
  period: ReportPeriod,
): Promise<JusticeFigures> {
  const inArea =
    area.type === 'authority'
      ? sql`exists (select 1 from child c where c.id = jc.child_id and c.responsible_authority_code = ${area.code})`
      : sql`exists (select 1 from agency a where a.id = jc.recorded_by_agency_id and a.police_force_code = ${area.code})`;
  // The period in London days, both included: from its first midnight to the midnight after its last day.
  const from = sql`(${period.from}::date)::timestamp at time zone 'Europe/London'`;
  const until = sql`(${period.to}::date + 1)::timestamp at time zone 'Europe/London'`;
  const result = await tx.execute(sql`
    with cases as (
      select jc.id, jc.created_at,
        (select s.status from justice_case_status s where s.case_id = jc.id and s.status_on <= ${period.to}::date
          order by s.status_on desc, s.recorded_at desc limit 1) as status_at_end
      from justice_case jc
      where jc.entered_in_error_at is null and ${inArea} and jc.created_at < ${until}
    ),
    dropped as (
      select distinct s.case_id from justice_case_status s join cases on cases.id = s.case_id
      where s.status in ('no_further_action', 'discontinued')
        and s.status_on between ${period.from}::date and ${period.to}::date
    )
    select
      (select count(*)::int from cases where created_at >= ${from}) as opened,
      (select count(*)::int from dropped) as dropped,
      (select count(*)::int from dropped d where exists (select 1 from justice_support_review r
        where r.case_id = d.case_id and r.completed_at is not null and r.completed_at < ${until})) as reviewed,
      coalesce((select json_object_agg(status_at_end, n) from
        (select status_at_end, count(*)::int as n from cases where status_at_end is not null group by status_at_end) g),
        '{}'::json) as at_end`);
  const row = (result as unknown as { rows: Record<string, unknown>[] }).rows[0] ?? {};
  const byStatus = (typeof row.at_end === 'string' ? JSON.parse(row.at_end) : (row.at_end ?? {})) as Record<
    string,
    number
  >;
  return {
    opened: Number(row.opened ?? 0),
    atEnd: Object.fromEntries(justiceStatuses.map((s) => [s, Number(byStatus[s] ?? 0)])) as Record<
      JusticeStatus,
      number
    >,
    droppedInPeriod: Number(row.dropped ?? 0),
    droppedReviewed: Number(row.reviewed ?? 0),
  };
}

/** The "Justice cases" section, counts under 3 suppressed outside the owning agency. */
export async function justiceSection(
  tx: Tx,
  area: ReportArea,
  period: ReportPeriod,
  exact: boolean,
): Promise<ReportSection[]> {
  const f = await justiceFigures(tx, area, period);
  const shown = (n: number) => suppress(n, exact);
  const dropped = shown(f.droppedInPeriod);
  const reviewed = shown(f.droppedReviewed);
  return [
    {
      id: 'justice',
      title: 'Justice cases',
      description:
        'Crimes in which a child of the area is a victim or witness: cases opened in the period, where each case stood at the period’s end, and the cases that ended with no further action or were discontinued, with how many of those children had their support reviewed by the period’s end.',
      columns: [
        { label: 'Cases', kind: 'label' },
        { label: 'Number', kind: 'count' },
        { label: 'Support reviewed (%)', kind: 'rate' },
      ],
      rows: [
        ['Opened in the period', shown(f.opened), null],
        ...justiceStatuses.map((s) => [`At the period’s end: ${statusNames[s]}`, shown(f.atEnd[s]), null]),
        ['Ended with no further action or discontinued in the period', dropped, rate(reviewed, dropped)],
        ['Of those, support review completed', reviewed, null],
      ],
      chartColumns: [1],
    },
  ];
}
