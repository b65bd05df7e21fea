import { and, type SQL, sql } from 'drizzle-orm';
import { agency } from '../../platform/agencies/tables';
import type { Tx } from '../../platform/db/client';
import { childrensHome } from '../homes/tables';
import { type ReportSection, rate } from '../reports/annual.service';
import { trainingStaff } from './tables';
import { shareOf as countShare } from './training.repository';

/**
 * The annual report's "Training on the warning signs" section for an authority: current staff
 * trained at the period's end in the homes of its area and in its hotels and venues. These count
 * staff, not children, so they are shown exactly to every reader of the report.
 */
export async function trainingSection(
  tx: Tx,
  area: { type: 'authority' | 'force'; code: string },
  periodEnd: string,
): Promise<ReportSection[]> {
  if (area.type !== 'authority') return [];
  const inHomes = sql`exists (select 1 from ${childrensHome} as home
    where home.id = ${trainingStaff.homeId} and home.local_authority_code = ${area.code})`;
  const inHotels = and(
    sql`${trainingStaff.homeId} is null`,
    sql`exists (select 1 from ${agency} as org where org.id = ${trainingStaff.agencyId}
      and org.type = 'report_only' and org.local_authority_code = ${area.code})`,
  ) as SQL;
  const homes = await countShare(tx, inHomes, periodEnd);
  const hotels = await countShare(tx, inHotels, periodEnd);
  const row = (label: string, s: { staff: number; trained: number }) => [
    label,
    s.staff,
    s.trained,
    rate(s.trained, s.staff),
  ];
  return [
    {
      id: 'training',
      title: 'Training on the warning signs',
      description:
        'Current staff on the last day of the period, and how many of them then held a valid course on the warning signs of grooming and exploitation, including running away.',
      columns: [
        { label: 'Where they work', kind: 'label' },
        { label: 'Current staff', kind: 'count' },
        { label: 'Trained', kind: 'count' },
        { label: 'Share trained (%)', kind: 'rate' },
      ],
      rows: [row('Children’s homes in the area', homes), row('Hotels and venues', hotels)],
      chartColumns: [3],
    },
  ];
}
