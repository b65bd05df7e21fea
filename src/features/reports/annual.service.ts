import { type SQL, sql } from 'drizzle-orm';
import { hasPermission, requirePermission } from '../../platform/access/guard';
import { findLocalAuthority, findPoliceForce } from '../../platform/agencies/reference-data';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError } from '../../platform/http/errors';
import { fromLondon, londonDate } from '../../platform/http/london-time';
import { advocacyFigures, advocacySections } from '../advocacy/annual-figures';
import { ethnicityCodes, sexCodes } from '../children/codes';
import { justiceSection } from '../justice/annual-figures';
import { categoryNames } from '../notices/schemas';
import { noticeCategories } from '../notices/tables';
import { trainingSection } from '../training/annual-figures';

/** Counts below this are shown as "fewer than 3" outside the agency that owns the figures. */
export const SUPPRESS_BELOW = 3;
export const SUPPRESSED_TEXT = 'fewer than 3';

/** A local authority (the children it is responsible for) or a police force (episodes in its area). */
export interface ReportArea {
  type: 'authority' | 'force';
  code: string;
}

/** What the figures can cover: an area, or (for the benchmark and national returns) every child. */
export type FigureArea = ReportArea | { type: 'national' };

export interface ReportPeriod {
  /** London calendar dates, both included. */
  from: string;
  to: string;
}

/** A figure: a count, a rate (a percentage), a label, or null when suppressed. */
export type Cell = string | number | null;

export interface ReportColumn {
  label: string;
  kind: 'label' | 'count' | 'rate';
}

export interface ReportSection {
  id: string;
  title: string;
  /** One or two sentences on what is counted: the chart's description too. */
  description: string;
  columns: ReportColumn[];
  rows: Cell[][];
  /** The columns drawn as bars, by index. */
  chartColumns: number[];
}

export interface AnnualReport {
  area: ReportArea & { name: string };
  period: ReportPeriod;
  /** False when the figures are suppressed for this reader (not of the owning agency). */
  exact: boolean;
  generatedAt: string;
  sections: ReportSection[];
}

const ageBands = ['Under 11', '11 to 13', '14 to 15', '16 to 17', '18 or over', 'Not known'] as const;
const repeatBands = [2, 3, 5, 10] as const;
const levelNames: Record<string, string> = {
  not_at_risk: 'Not at risk',
  mild: 'Mild',
  moderate: 'Moderate',
  significant: 'Significant',
};
const sexNames: Record<string, string> = sexCodes;
const ethnicityNames: Record<string, string> = ethnicityCodes;

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;
const n = (v: unknown) => Number(v ?? 0);

export function areaName(area: ReportArea): string | null {
  if (area.type === 'authority') return findLocalAuthority(area.code)?.name ?? null;
  const force = findPoliceForce(area.code);
  return force ? `${force.name} Police` : null;
}

/** The areas whose reports the actor's agency owns: its authority or its force. */
export function ownAreas(ctx: Context): ReportArea[] {
  const actor = ctx.actor;
  if (!actor) return [];
  const areas: ReportArea[] = [];
  if (actor.agencyType === 'police_force' && actor.policeForceCode) {
    areas.push({ type: 'force', code: actor.policeForceCode });
  } else if (actor.localAuthorityCode) {
    areas.push({ type: 'authority', code: actor.localAuthorityCode });
  }
  return areas;
}

/** The actor's agency owns the area's figures: an authority's own agency, or the force's. */
export function ownsArea(ctx: Context, area: ReportArea): boolean {
  const actor = ctx.actor;
  if (!actor) return false;
  return area.type === 'authority'
    ? actor.agencyType === 'local_authority' && actor.localAuthorityCode === area.code
    : actor.agencyType === 'police_force' && actor.policeForceCode === area.code;
}

/** Hub administrators (who manage every agency) may report on any area; others on their own. */
export function mayReportOn(ctx: Context, area: ReportArea): boolean {
  if (hasPermission(ctx, 'agency:manage-all')) return true;
  return ownAreas(ctx).some((a) => a.type === area.type && a.code === area.code);
}

/** The last 12 months to today: from the same day a year ago plus one, to today. */
export function defaultPeriod(now: Date): ReportPeriod {
  const to = londonDate(now);
  const [y, m, d] = to.split('-').map(Number);
  const from = new Date(Date.UTC((y ?? 0) - 1, (m ?? 1) - 1, (d ?? 1) + 1));
  return { from: from.toISOString().slice(0, 10), to };
}

const midnight = (iso: string, plusDays = 0): Date => {
  const [y, m, d] = iso.split('-').map(Number);
  const day = new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, (d ?? 1) + plusDays));
  const at = fromLondon(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate());
  if (!at) throw new Error(`Not a date: ${iso}`);
  return at;
};

/** Each calendar month the period touches, as YYYY-MM. */
export function monthsOf(period: ReportPeriod): string[] {
  const months: string[] = [];
  let [y, m] = period.from.split('-').map(Number) as [number, number];
  const [ty, tm] = period.to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    months.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return months;
}

const monthName = (ym: string) => {
  const [y, m] = ym.split('-').map(Number);
  return new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, 1)).toLocaleDateString('en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
};

/** The raw figures of the report, before suppression: every number comes from here. */
export interface AnnualFigures {
  months: {
    month: string;
    missing: number;
    missingChildren: number;
    absent: number;
    absentChildren: number;
  }[];
  totals: { kind: 'missing' | 'absent' | 'all'; episodes: number; children: number }[];
  /** How many children had exactly k episodes, for each k. */
  episodesPerChild: { episodes: number; children: number }[];
  ages: { band: string; episodes: number; children: number }[];
  sexes: { sex: string; episodes: number; children: number }[];
  ethnicities: { ethnicity: string; episodes: number; children: number }[];
  lookedAfter: { group: string; episodes: number; children: number }[];
  placement: { group: string; episodes: number; children: number }[];
  homes: { home: string; episodes: number; children: number }[];
  interviews: { ended: number; offered: number; accepted: number; held: number; heldWithin72: number };
  noticeCategories: { category: string; notices: number }[];
  noticeDecisions: { decision: string; notices: number }[];
  screenings: { level: string; screenings: number; children: number }[];
  comparison: { code: string; name: string; episodes: number; children: number }[];
}

/** The condition that puts an episode `e` of child `c` (with responsible authority `la`) in the area. */
function episodeInArea(area: FigureArea): SQL {
  if (area.type === 'national') return sql`true`;
  return area.type === 'authority'
    ? sql`c.responsible_authority_code = ${area.code}`
    : sql`coalesce(e.police_force_code, la.police_force_code) = ${area.code}`;
}

/** The condition that puts a child `c` (with responsible authority `la`) in the area. */
function childInArea(area: FigureArea): SQL {
  if (area.type === 'national') return sql`true`;
  return area.type === 'authority'
    ? sql`c.responsible_authority_code = ${area.code}`
    : sql`la.police_force_code = ${area.code}`;
}

/**
 * Every figure of the report in SQL, in six statements whatever the number of episodes. Episodes
 * entered in error count nowhere. Exported for the benchmark, which has no user.
 */
export async function annualFigures(tx: Tx, area: FigureArea, period: ReportPeriod): Promise<AnnualFigures> {
  const start = midnight(period.from);
  const end = midnight(period.to, 1);
  const inArea = episodeInArea(area);
  const scoped = sql`select e.id, e.child_id, e.kind, e.started_at,
        (e.started_at at time zone 'Europe/London') as local_start,
        c.date_of_birth, c.sex, c.ethnicity, c.looked_after
      from episode e
      join child c on c.id = e.child_id
      left join local_authority la on la.code = c.responsible_authority_code
      where e.entered_in_error_at is null and ${inArea}
        and e.started_at >= ${start} and e.started_at < ${end}`;

  // 1. Months, totals, children per episode count, ages, sexes, ethnicities, looked-after.
  const facts = rowsOf<{
    dim: string;
    k: string | null;
    kind: string | null;
    episodes: unknown;
    children: unknown;
  }>(
    // Counted per child first (one row per child, month, kind and age band), so that distinct
    // children are plain counts of rows: far cheaper than count(distinct) over every episode.
    await tx.execute(sql`with ep as (${scoped}),
      cm as (
        select child_id, to_char(local_start, 'YYYY-MM') as m, kind, case
          when date_of_birth is null then 'Not known'
          when extract(year from age(local_start::date, date_of_birth)) < 11 then 'Under 11'
          when extract(year from age(local_start::date, date_of_birth)) < 14 then '11 to 13'
          when extract(year from age(local_start::date, date_of_birth)) < 16 then '14 to 15'
          when extract(year from age(local_start::date, date_of_birth)) < 18 then '16 to 17'
          else '18 or over' end as band, count(*) as n
        from ep group by 1, 2, 3, 4),
      ck as (select child_id, kind, sum(n) as n from cm group by 1, 2),
      cb as (select child_id, band, sum(n) as n from cm group by 1, 2),
      cmk as (select child_id, m, kind, sum(n) as n from cm group by 1, 2, 3),
      pc as (
        select ck.child_id, sum(ck.n) as n, min(c.sex) as sex, min(c.ethnicity) as ethnicity,
          bool_or(c.looked_after) as looked_after
        from ck join child c on c.id = ck.child_id group by ck.child_id)
      select 'month' as dim, m as k, kind, sum(n) as episodes, count(*) as children from cmk group by 2, 3
      union all select 'total', null, kind, sum(n), count(*) from ck group by kind
      union all select 'total', null, 'all', sum(n), count(*) from pc
      union all select 'per-child', n::text, null, 0, count(*) from pc group by n
      union all select 'age', band, null, sum(n), count(*) from cb group by band
      union all select 'sex', coalesce(sex, ''), null, sum(n), count(*) from pc group by 2
      union all select 'ethnicity', coalesce(ethnicity, ''), null, sum(n), count(*) from pc group by 2
      union all select 'looked-after', case when looked_after then 'yes' else 'no' end, null, sum(n), count(*)
        from pc group by 2`),
  );

  // 2. Where looked-after children were placed when each episode started: out of area, and which home.
  const placed = rowsOf<{ dim: string; k: string; episodes: unknown; children: unknown }>(
    await tx.execute(sql`with ep as (${scoped}),
      at_start as (
        select ep.id, ep.child_id, p.placing_authority_code, p.host_authority_code, h.name as home
        from ep
        left join lateral (
          select p.placing_authority_code, p.host_authority_code, p.home_id from placement p
          where p.child_id = ep.child_id and p.start_date <= ep.local_start::date
            and (p.end_date is null or p.end_date >= ep.local_start::date)
          order by p.start_date desc limit 1) p on true
        left join childrens_home h on h.id = p.home_id)
      select 'placement' as dim, case when placing_authority_code is null then 'none'
          when placing_authority_code <> host_authority_code then 'out' else 'in' end as k,
        count(*) as episodes, count(distinct child_id) as children from at_start group by 2
      union all select 'home', home, count(*), count(distinct child_id) from at_start where home is not null group by home`),
  );

  // 3. Return interviews of the episodes that ended in the period.
  const [interviews] = rowsOf<Record<string, unknown>>(
    await tx.execute(sql`select count(*) as ended,
        count(*) filter (where ri.offered_at is not null or ri.status in ('offered', 'accepted', 'declined', 'held')) as offered,
        count(*) filter (where ri.status in ('accepted', 'held') or ri.held_at is not null) as accepted,
        count(*) filter (where ri.held_at is not null) as held,
        count(*) filter (where ri.held_at is not null and ri.held_at <= e.ended_at + interval '72 hours') as held72
      from episode e
      join child c on c.id = e.child_id
      left join local_authority la on la.code = c.responsible_authority_code
      left join return_interview ri on ri.episode_id = e.id
      where e.entered_in_error_at is null and ${inArea}
        and e.ended_at >= ${start} and e.ended_at < ${end}`),
  );

  // 4. Notices raised in the area in the period, by category and by their final decision.
  const noticeArea =
    area.type === 'national'
      ? sql`true`
      : area.type === 'authority'
        ? sql`n.area_authority_code = ${area.code}`
        : sql`n.area_authority_code in (select code from local_authority where police_force_code = ${area.code})`;
  const noticeRows = rowsOf<{ dim: string; k: string; notices: unknown }>(
    await tx.execute(sql`with ns as (
        select n.id, n.categories from notice n
        where ${noticeArea} and n.raised_at >= ${start} and n.raised_at < ${end})
      select 'category' as dim, cat as k, count(*) as notices from ns, unnest(ns.categories) as cat group by cat
      union all select 'decision', coalesce(d.outcome_label, 'No final decision yet'), count(*)
      from ns left join notice_decision d on d.notice_id = ns.id and d.final_at is not null and d.superseded_at is null
      group by 2`),
  );

  // 5. CSE screenings of the area's children in the period, by level.
  const screeningRows = rowsOf<{ level: string; screenings: unknown; children: unknown }>(
    await tx.execute(sql`select s.level, count(*) as screenings, count(distinct s.child_id) as children
      from cse_screening s
      join child c on c.id = s.child_id
      left join local_authority la on la.code = c.responsible_authority_code
      where ${childInArea(area)} and s.screened_at >= ${start} and s.screened_at < ${end}
      group by s.level`),
  );

  // 6. Every authority in the same force area: episodes of the children each is responsible for.
  // Nationally, every authority.
  const force =
    area.type === 'national'
      ? null
      : area.type === 'force'
        ? area.code
        : (findLocalAuthority(area.code)?.policeForceCode ??
          rowsOf<{ f: string }>(
            await tx.execute(
              sql`select police_force_code as f from local_authority where code = ${area.code}`,
            ),
          )[0]?.f ??
          '');
  const comparison = rowsOf<{ code: string; name: string; episodes: unknown; children: unknown }>(
    await tx.execute(sql`select la.code, la.name, count(e.id) as episodes, count(distinct e.child_id) as children
      from local_authority la
      left join child c on c.responsible_authority_code = la.code
      left join episode e on e.child_id = c.id and e.entered_in_error_at is null
        and e.started_at >= ${start} and e.started_at < ${end}
      where ${force === null ? sql`true` : sql`la.police_force_code = ${force}`}
      group by la.code, la.name
      order by la.name`),
  );

  const months = monthsOf(period).map((month) => {
    const of = (kind: string) => facts.find((f) => f.dim === 'month' && f.k === month && f.kind === kind);
    return {
      month,
      missing: n(of('missing')?.episodes),
      missingChildren: n(of('missing')?.children),
      absent: n(of('absent')?.episodes),
      absentChildren: n(of('absent')?.children),
    };
  });
  const total = (kind: 'missing' | 'absent' | 'all') => {
    const f = facts.find((r) => r.dim === 'total' && r.kind === kind);
    return { kind, episodes: n(f?.episodes), children: n(f?.children) };
  };
  const grouped = (dim: string) =>
    facts
      .filter((f) => f.dim === dim)
      .map((f) => ({ k: f.k ?? '', episodes: n(f.episodes), children: n(f.children) }))
      .sort((a, b) => b.episodes - a.episodes || a.k.localeCompare(b.k));
  const placementOf = (k: string) => placed.find((p) => p.dim === 'placement' && p.k === k);
  return {
    months,
    totals: [total('missing'), total('absent'), total('all')],
    episodesPerChild: facts
      .filter((f) => f.dim === 'per-child')
      .map((f) => ({ episodes: Number(f.k), children: n(f.children) }))
      .sort((a, b) => a.episodes - b.episodes),
    ages: ageBands.map((band) => {
      const f = facts.find((r) => r.dim === 'age' && r.k === band);
      return { band, episodes: n(f?.episodes), children: n(f?.children) };
    }),
    sexes: grouped('sex').map((g) => ({ sex: g.k, episodes: g.episodes, children: g.children })),
    ethnicities: grouped('ethnicity').map((g) => ({
      ethnicity: g.k,
      episodes: g.episodes,
      children: g.children,
    })),
    lookedAfter: ['yes', 'no'].map((group) => {
      const f = facts.find((r) => r.dim === 'looked-after' && r.k === group);
      return { group, episodes: n(f?.episodes), children: n(f?.children) };
    }),
    placement: ['out', 'in', 'none'].map((group) => ({
      group,
      episodes: n(placementOf(group)?.episodes),
      children: n(placementOf(group)?.children),
    })),
    homes: placed
      .filter((p) => p.dim === 'home')
      .map((p) => ({ home: p.k, episodes: n(p.episodes), children: n(p.children) }))
      .sort((a, b) => b.episodes - a.episodes || a.home.localeCompare(b.home))
      .slice(0, 10),
    interviews: {
      ended: n(interviews?.ended),
      offered: n(interviews?.offered),
      accepted: n(interviews?.accepted),
      held: n(interviews?.held),
      heldWithin72: n(interviews?.held72),
    },
    noticeCategories: noticeCategories.map((category) => ({
      category,
      notices: n(noticeRows.find((r) => r.dim === 'category' && r.k === category)?.notices),
    })),
    noticeDecisions: noticeRows
      .filter((r) => r.dim === 'decision')
      .map((r) => ({ decision: r.k, notices: n(r.notices) }))
      .sort((a, b) => b.notices - a.notices || a.decision.localeCompare(b.decision)),
    screenings: Object.keys(levelNames).map((level) => {
      const r = screeningRows.find((s) => s.level === level);
      return { level, screenings: n(r?.screenings), children: n(r?.children) };
    }),
    comparison: comparison.map((r) => ({
      code: r.code,
      name: r.name,
      episodes: n(r.episodes),
      children: n(r.children),
    })),
  };
}

/** A count as a reader outside the owning agency may see it: 1 and 2 become null. */
export function suppress(count: number, exact: boolean): number | null {
  return !exact && count > 0 && count < SUPPRESS_BELOW ? null : count;
}

/** A percentage to one decimal place; null when either count is suppressed or nothing to divide. */
export function rate(part: number | null, whole: number | null): number | null {
  if (part === null || whole === null || whole === 0) return null;
  return Math.round((part / whole) * 1000) / 10;
}

/** The children with at least each number of episodes in the period. */
export function repeatCounts(
  perChild: AnnualFigures['episodesPerChild'],
): { atLeast: number; children: number }[] {
  return repeatBands.map((atLeast) => ({
    atLeast,
    children: perChild.filter((p) => p.episodes >= atLeast).reduce((sum, p) => sum + p.children, 0),
  }));
}

const count = (label: string): ReportColumn => ({ label, kind: 'count' });
const pct = (label: string): ReportColumn => ({ label, kind: 'rate' });
const label = (text: string): ReportColumn => ({ label: text, kind: 'label' });

/**
 * The figures as the report's sections, suppressed for a reader outside the owning agency. The page,
 * the downloads and the API all show these, so they cannot disagree.
 */
export function reportSections(f: AnnualFigures, area: ReportArea, exact: boolean): ReportSection[] {
  const s = (v: number) => suppress(v, exact);
  const [missing, absent, all] = f.totals;
  const ri = f.interviews;
  const ended = s(ri.ended);
  const interviewRow = (name: string, v: number) => [name, s(v), rate(s(v), ended)];
  const placementNames: Record<string, string> = {
    out: 'Placed out of area (placing and host authorities differ)',
    in: 'Placed in area',
    none: 'No placement recorded when the episode started',
  };
  return [
    {
      id: 'monthly',
      title: 'Episodes and children each month',
      description:
        'Episodes that started in each month, missing and absent apart, and how many different children they were about.',
      columns: [
        label('Month'),
        count('Missing episodes'),
        count('Children missing'),
        count('Absent episodes'),
        count('Children absent'),
      ],
      rows: f.months.map((m) => [
        monthName(m.month),
        s(m.missing),
        s(m.missingChildren),
        s(m.absent),
        s(m.absentChildren),
      ]),
      chartColumns: [1, 3],
    },
    {
      id: 'totals',
      title: 'Episodes and children in the period',
      description: 'A child who was both missing and absent counts once in "All episodes".',
      columns: [label('Kind'), count('Episodes'), count('Children')],
      rows: [
        ['Missing', s(missing?.episodes ?? 0), s(missing?.children ?? 0)],
        ['Absent', s(absent?.episodes ?? 0), s(absent?.children ?? 0)],
        ['All episodes', s(all?.episodes ?? 0), s(all?.children ?? 0)],
      ],
      chartColumns: [1, 2],
    },
    {
      id: 'repeat',
      title: 'Repeat missing',
      description:
        'Children with at least 2, 3, 5 and 10 episodes (missing or absent) that started in the period.',
      columns: [label('Episodes in the period'), count('Children')],
      rows: repeatCounts(f.episodesPerChild).map((r) => [`${r.atLeast} or more`, s(r.children)]),
      chartColumns: [1],
    },
    {
      id: 'ages',
      title: 'Age when the episode started',
      description: 'Episodes by the child’s age on the day each started; a child can be in two bands.',
      columns: [label('Age'), count('Episodes'), count('Children')],
      rows: f.ages.map((a) => [a.band, s(a.episodes), s(a.children)]),
      chartColumns: [1],
    },
    {
      id: 'sex',
      title: 'Sex',
      description: 'Episodes and children by the sex recorded for the child.',
      columns: [label('Sex'), count('Episodes'), count('Children')],
      rows: f.sexes.map((x) => [sexNames[x.sex] ?? (x.sex || 'Not recorded'), s(x.episodes), s(x.children)]),
      chartColumns: [1],
    },
    {
      id: 'ethnicity',
      title: 'Ethnicity',
      description: 'Episodes and children by the SSDA903 ethnicity code recorded for the child.',
      columns: [label('Ethnicity'), count('Episodes'), count('Children')],
      rows: f.ethnicities.map((x) => [
        x.ethnicity ? `${ethnicityNames[x.ethnicity] ?? 'Other code'} (${x.ethnicity})` : 'Not recorded',
        s(x.episodes),
        s(x.children),
      ]),
      chartColumns: [1],
    },
    {
      id: 'looked-after',
      title: 'Looked-after children',
      description: 'Episodes of children looked after by a local authority, and of other children.',
      columns: [label('Child'), count('Episodes'), count('Children')],
      rows: f.lookedAfter.map((x) => [
        x.group === 'yes' ? 'Looked after' : 'Not looked after',
        s(x.episodes),
        s(x.children),
      ]),
      chartColumns: [1],
    },
    {
      id: 'placement',
      title: 'Placed out of area',
      description: 'Where the child was placed on the day each episode started.',
      columns: [label('Placement'), count('Episodes'), count('Children')],
      rows: f.placement.map((x) => [placementNames[x.group] ?? x.group, s(x.episodes), s(x.children)]),
      chartColumns: [1],
    },
    {
      id: 'homes',
      title: 'Children’s homes with most episodes',
      description: 'The ten children’s homes where the most episodes started while the child lived there.',
      columns: [label('Home'), count('Episodes'), count('Children')],
      rows: f.homes.map((h) => [h.home, s(h.episodes), s(h.children)]),
      chartColumns: [1],
    },
    {
      id: 'return-interviews',
      title: 'Return interviews',
      description:
        'Of the episodes that ended in the period: return interviews offered, accepted and held within 72 hours of the child’s return, as counts and as a percentage of those episodes.',
      columns: [label('Return interviews'), count('Episodes'), pct('Percentage of episodes ended')],
      rows: [
        ['Episodes ended', ended, ended === null ? null : ended === 0 ? null : 100],
        interviewRow('Offered', ri.offered),
        interviewRow('Accepted', ri.accepted),
        interviewRow('Held', ri.held),
        interviewRow('Held within 72 hours', ri.heldWithin72),
      ],
      chartColumns: [1],
    },
    {
      id: 'notice-categories',
      title: 'Child concern notices by category',
      description: 'Notices raised in the area in the period; a notice with two categories counts in both.',
      columns: [label('Category'), count('Notices')],
      rows: f.noticeCategories.map((x) => [
        categoryNames[x.category as keyof typeof categoryNames] ?? x.category,
        s(x.notices),
      ]),
      chartColumns: [1],
    },
    {
      id: 'notice-decisions',
      title: 'Child concern notices by decision',
      description: 'The final decision on each notice raised in the period.',
      columns: [label('Decision'), count('Notices')],
      rows: f.noticeDecisions.map((x) => [x.decision, s(x.notices)]),
      chartColumns: [1],
    },
    {
      id: 'screenings',
      title: 'CSE screenings by level',
      description: 'Screenings completed in the period for the area’s children.',
      columns: [label('Level'), count('Screenings'), count('Children')],
      rows: f.screenings.map((x) => [levelNames[x.level] ?? x.level, s(x.screenings), s(x.children)]),
      chartColumns: [1],
    },
    {
      id: 'comparison',
      title: 'Authorities in the same police force area',
      description:
        'Episodes of the children each authority is responsible for. Other authorities’ figures are always shown with counts under 3 suppressed. Lantern holds no child population figures, so these are counts, not rates per 10,000 children.',
      columns: [label('Authority'), count('Episodes'), count('Children')],
      rows: f.comparison.map((c) => {
        const own = area.type === 'authority' && c.code === area.code;
        const shown = (v: number) => suppress(v, own && exact);
        return [own ? `${c.name} (this report)` : c.name, shown(c.episodes), shown(c.children)];
      }),
      chartColumns: [1],
    },
  ];
}

export class AnnualReportService {
  constructor(private readonly withTransaction: WithTransaction) {}

  /** The report for an area the actor may report on; an area they may not is not found. */
  async report(ctx: Context, area: ReportArea, period: ReportPeriod): Promise<AnnualReport> {
    requirePermission(ctx, 'report:view');
    return this.withTransaction((tx) => this.build(tx, ctx, area, period, 'report.annual.view'));
  }

  /** The same report for a download, audited as one; needs `report:download` too. */
  async download(
    ctx: Context,
    area: ReportArea,
    period: ReportPeriod,
    format: 'csv' | 'xlsx' | 'json',
  ): Promise<AnnualReport> {
    requirePermission(ctx, 'report:view');
    requirePermission(ctx, 'report:download');
    return this.withTransaction((tx) =>
      this.build(tx, ctx, area, period, `report.annual.download.${format}`),
    );
  }

  private async build(
    tx: Tx,
    ctx: Context,
    area: ReportArea,
    period: ReportPeriod,
    action: string,
  ): Promise<AnnualReport> {
    const name = areaName(area);
    if (!name || !mayReportOn(ctx, area)) throw new NotFoundError();
    const figures = await annualFigures(tx, area, period);
    const exact = ownsArea(ctx, area);
    await recordAudit(tx, ctx, {
      action,
      subjectType: area.type === 'authority' ? 'local_authority' : 'police_force',
      // The area and the period, so the audit says exactly which figures left.
      subjectId: `${area.code} ${period.from} ${period.to}`,
    });
    return {
      area: { ...area, name },
      period,
      exact,
      generatedAt: ctx.clock.now().toISOString(),
      sections: [
        ...reportSections(figures, area, exact),
        ...advocacySections(await advocacyFigures(tx, area, period), area, exact),
        ...(await trainingSection(tx, area, period.to)),
        ...(await justiceSection(tx, area, period, exact)),
      ],
    };
  }
}
