import { type SQL, sql } from 'drizzle-orm';
import type { Config } from '../../config';
import { requirePermission } from '../../platform/access/guard';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError } from '../../platform/http/errors';
import { fromLondon, londonDate } from '../../platform/http/london-time';
import { areaName, ownAreas, ownsArea, type ReportArea, suppress } from './annual.service';

const DAY_MS = 86_400_000;

export interface Dashboard {
  area: ReportArea & { name: string };
  /** False when counts under 3 are suppressed (null): the reader's agency does not own the area. */
  exact: boolean;
  openByGrade: { grade: string; episodes: number | null }[];
  highRiskNow: number | null;
  returnInterviewsDue: number | null;
  returnInterviewsOverdue: number | null;
  untriagedNotices: number | null;
  repeatMissingChildren: number | null;
  repeatMissingRule: { count: number; days: number };
  /** Episodes started this month so far, the same days of the month last year, and all that month. */
  thisMonth: {
    label: string;
    soFar: number | null;
    lastYearToDate: number | null;
    lastYearWhole: number | null;
  };
}

const gradeNames: Record<string, string> = {
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  no_apparent_risk: 'No apparent risk',
  ungraded: 'Not yet graded',
};

/** The episode `e` of child `c` (responsible authority `la`) is in the area. */
function inArea(area: ReportArea): SQL {
  return area.type === 'authority'
    ? sql`c.responsible_authority_code = ${area.code}`
    : sql`coalesce(e.police_force_code, la.police_force_code) = ${area.code}`;
}

/**
 * What needs attention now in the reader's own area: the open episodes by their latest grade, return
 * interviews due and overdue, notices nobody has triaged, children repeatedly missing, and this month
 * against the same month last year. One statement, counts only.
 */
export class DashboardService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly rules: Config['flags'],
  ) {}

  async forArea(ctx: Context): Promise<Dashboard> {
    requirePermission(ctx, 'report:view');
    const area = ownAreas(ctx)[0];
    const name = area ? areaName(area) : null;
    if (!area || !name) throw new NotFoundError();
    const now = ctx.clock.now();
    const [y, m, d] = londonDate(now).split('-').map(Number) as [number, number, number];
    const monthStart = fromLondon(y, m, 1) ?? now;
    const lastYearStart = fromLondon(y - 1, m, 1) ?? now;
    const lastYearEnd = fromLondon(m === 12 ? y : y - 1, m === 12 ? 1 : m + 1, 1) ?? now;
    // The same day of the month last year, clamped to that month's last day (29 February).
    const lastDay = new Date(Date.UTC(y - 1, m, 0)).getUTCDate();
    const lastYearToDate = new Date(
      (fromLondon(y - 1, m, Math.min(d, lastDay)) ?? now).getTime() +
        (now.getTime() - (fromLondon(y, m, d) ?? now).getTime()),
    );
    const { repeatMissing } = this.rules;
    const since = new Date(now.getTime() - repeatMissing.days * DAY_MS);
    const noticeArea =
      area.type === 'authority'
        ? sql`n.area_authority_code = ${area.code}`
        : sql`n.area_authority_code in (select code from local_authority where police_force_code = ${area.code})`;
    const scoped = sql`from episode e join child c on c.id = e.child_id
      left join local_authority la on la.code = c.responsible_authority_code
      where e.entered_in_error_at is null and ${inArea(area)}`;

    return this.withTransaction(async (tx) => {
      const result = await tx.execute(sql`
        select 'grade' as k, coalesce(g.grade, 'ungraded') as g, count(*) as n
          from episode e join child c on c.id = e.child_id
          left join local_authority la on la.code = c.responsible_authority_code
          left join lateral (select r.grade from risk_grading r where r.episode_id = e.id
            order by r.graded_at desc limit 1) g on true
          where e.entered_in_error_at is null and ${inArea(area)} and e.ended_at is null
          group by 2
        union all select 'ri-due', null, count(*) from return_interview ri
          join episode e on e.id = ri.episode_id join child c on c.id = e.child_id
          left join local_authority la on la.code = c.responsible_authority_code
          where e.entered_in_error_at is null and ${inArea(area)}
            and ri.status in ('due', 'offered', 'accepted') and ri.due_at > ${now}
        union all select 'ri-overdue', null, count(*) from return_interview ri
          join episode e on e.id = ri.episode_id join child c on c.id = e.child_id
          left join local_authority la on la.code = c.responsible_authority_code
          where e.entered_in_error_at is null and ${inArea(area)}
            and ri.status in ('due', 'offered', 'accepted') and ri.due_at <= ${now}
        union all select 'untriaged', null, count(*) from notice n
          where ${noticeArea} and n.priority is null and n.decided_at is null
        union all select 'repeat', null, count(*) from (
          select e.child_id ${scoped} and e.started_at >= ${since}
          group by e.child_id having count(*) >= ${repeatMissing.count}) r
        union all select 'month', null, count(*) ${scoped} and e.started_at >= ${monthStart} and e.started_at <= ${now}
        union all select 'last-year-to-date', null, count(*) ${scoped}
          and e.started_at >= ${lastYearStart} and e.started_at <= ${lastYearToDate}
        union all select 'last-year', null, count(*) ${scoped}
          and e.started_at >= ${lastYearStart} and e.started_at < ${lastYearEnd}`);
      const rows = (result as unknown as { rows: { k: string; g: string | null; n: unknown }[] }).rows;
      const exact = ownsArea(ctx, area);
      const one = (k: string) => suppress(Number(rows.find((r) => r.k === k)?.n ?? 0), exact);
      const grade = (g: string) => Number(rows.find((r) => r.k === 'grade' && r.g === g)?.n ?? 0);
      await recordAudit(tx, ctx, {
        action: 'report.dashboard.view',
        subjectType: area.type === 'authority' ? 'local_authority' : 'police_force',
        subjectId: area.code,
      });
      return {
        area: { ...area, name },
        exact,
        openByGrade: Object.keys(gradeNames).map((g) => ({
          grade: gradeNames[g] ?? g,
          episodes: suppress(grade(g), exact),
        })),
        highRiskNow: suppress(grade('high'), exact),
        returnInterviewsDue: one('ri-due'),
        returnInterviewsOverdue: one('ri-overdue'),
        untriagedNotices: one('untriaged'),
        repeatMissingChildren: one('repeat'),
        repeatMissingRule: { count: repeatMissing.count, days: repeatMissing.days },
        thisMonth: {
          label: monthStart.toLocaleDateString('en-GB', { month: 'long', timeZone: 'Europe/London' }),
          soFar: one('month'),
          lastYearToDate: one('last-year-to-date'),
          lastYearWhole: one('last-year'),
        },
      };
    });
  }
}
