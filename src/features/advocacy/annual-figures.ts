import { sql } from 'drizzle-orm';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import type { Tx } from '../../platform/db/client';
import {
  type Cell,
  type ReportArea,
  type ReportColumn,
  type ReportPeriod,
  type ReportSection,
  rate,
  suppress,
} from '../reports/annual.service';
import { meetingKindNames } from './schemas';
import { type MeetingKind, meetingKinds } from './tables';

/** The counts behind the advocacy rates of a set of meetings. */
export interface AdvocacyCounts {
  meetings: number;
  offered: number;
  accepted: number;
  /** Accepted, with what the child wanted said recorded: the base of the heard rate. */
  acceptedWithViews: number;
  /** Of those, heard (yes). */
  heard: number;
}

export type CountsByKind = Record<MeetingKind | 'all', AdvocacyCounts>;

export interface AuthorityAdvocacy {
  code: string;
  name: string;
  counts: CountsByKind;
}

export interface AdvocacyFigures {
  /** The report's area: the authority, or every authority of the force. */
  area: CountsByKind;
  /** Every authority of the same police force area, in name order. */
  authorities: AuthorityAdvocacy[];
}

const zero = (): AdvocacyCounts => ({ meetings: 0, offered: 0, accepted: 0, acceptedWithViews: 0, heard: 0 });
const emptyByKind = (): CountsByKind => ({ care_review: zero(), placement_planning: zero(), all: zero() });

function add(into: AdvocacyCounts, from: AdvocacyCounts): void {
  into.meetings += from.meetings;
  into.offered += from.offered;
  into.accepted += from.accepted;
  into.acceptedWithViews += from.acceptedWithViews;
  into.heard += from.heard;
}

/** The police force whose authorities are compared: the force itself, or the authority's force. */
async function forceOf(tx: Tx, area: ReportArea): Promise<string> {
  if (area.type === 'force') return area.code;
  const known = findLocalAuthority(area.code)?.policeForceCode;
  if (known) return known;
  const result = await tx.execute(
    sql`select police_force_code as f from local_authority where code = ${area.code}`,
  );
  return (result as unknown as { rows: { f: string }[] }).rows[0]?.f ?? '';
}

/**
 * The meetings held in the period (meeting date within it, both ends included) for the children
 * each authority of the force area was responsible for when the meeting was recorded, by kind.
 * Meetings entered in error count nowhere. One statement whatever the number of meetings.
 */
export async function advocacyFigures(
  tx: Tx,
  area: ReportArea,
  period: ReportPeriod,
): Promise<AdvocacyFigures> {
  const force = await forceOf(tx, area);
  const result = await tx.execute(sql`select la.code, la.name, m.kind,
      count(m.id)::int as meetings,
      (count(m.id) filter (where m.offered))::int as offered,
      (count(m.id) filter (where m.response = 'accepted'))::int as accepted,
      (count(m.id) filter (where m.response = 'accepted' and m.child_views is not null))::int as with_views,
      (count(m.id) filter (where m.response = 'accepted' and m.child_views is not null and m.heard = 'yes'))::int as heard
    from local_authority la
    left join advocacy_meeting m on m.responsible_authority_code = la.code
      and m.entered_in_error_at is null
      and m.meeting_on >= ${period.from}::date and m.meeting_on <= ${period.to}::date
    where la.police_force_code = ${force}
    group by la.code, la.name, m.kind
    order by la.name`);
  const rows = (
    result as unknown as {
      rows: {
        code: string;
        name: string;
        kind: MeetingKind | null;
        meetings: unknown;
        offered: unknown;
        accepted: unknown;
        with_views: unknown;
        heard: unknown;
      }[];
    }
  ).rows;
  const authorities = new Map<string, AuthorityAdvocacy>();
  for (const r of rows) {
    let a = authorities.get(r.code);
    if (!a) {
      a = { code: r.code, name: r.name, counts: emptyByKind() };
      authorities.set(r.code, a);
    }
    if (!r.kind) continue;
    const counts: AdvocacyCounts = {
      meetings: Number(r.meetings),
      offered: Number(r.offered),
      accepted: Number(r.accepted),
      acceptedWithViews: Number(r.with_views),
      heard: Number(r.heard),
    };
    add(a.counts[r.kind], counts);
    add(a.counts.all, counts);
  }
  const list = [...authorities.values()];
  const areaCounts = emptyByKind();
  for (const a of list) {
    if (area.type === 'authority' && a.code !== area.code) continue;
    for (const k of [...meetingKinds, 'all'] as const) add(areaCounts[k], a.counts[k]);
  }
  return { area: areaCounts, authorities: list };
}

const count = (label: string): ReportColumn => ({ label, kind: 'count' });
const pct = (label: string): ReportColumn => ({ label, kind: 'rate' });
const label = (text: string): ReportColumn => ({ label: text, kind: 'label' });

const rateColumns = [
  count('Meetings'),
  count('Advocacy offered'),
  pct('Offered (% of meetings)'),
  count('Accepted'),
  pct('Accepted (% of offered)'),
  count('Views heard'),
  pct('Heard (% of accepted with views recorded)'),
];

/** One row of counts and rates, suppressed as the reader may see them. */
function rateRow(name: string, c: AdvocacyCounts, shown: (v: number) => number | null): Cell[] {
  const [meetings, offered, accepted, withViews, heard] = [
    shown(c.meetings),
    shown(c.offered),
    shown(c.accepted),
    shown(c.acceptedWithViews),
    shown(c.heard),
  ];
  return [
    name,
    meetings,
    offered,
    rate(offered, meetings),
    accepted,
    rate(accepted, offered),
    heard,
    rate(heard, withViews),
  ];
}

/**
 * The annual report's independent advocacy sections: the area's rates by kind of meeting, and
 * each authority of the force area side by side. Counts under 3 are suppressed outside the owning
 * agency, and other authorities' always, as the report does for its other figures.
 */
export function advocacySections(f: AdvocacyFigures, area: ReportArea, exact: boolean): ReportSection[] {
  const s = (v: number) => suppress(v, exact);
  return [
    {
      id: 'advocacy',
      title: 'Independent advocacy',
      description:
        'Care reviews and placement planning meetings held in the period for the children the authority (for a police force area, each of its authorities) was responsible for: how often independent advocacy was offered, how often the child accepted it, and how often what the child wanted said was heard. Meetings entered in error are left out.',
      columns: [label('Meeting'), ...rateColumns],
      rows: [
        rateRow('Care reviews', f.area.care_review, s),
        rateRow(`${meetingKindNames.placement_planning}s`, f.area.placement_planning, s),
        rateRow('All meetings', f.area.all, s),
      ],
      chartColumns: [3, 5],
    },
    {
      id: 'advocacy-authorities',
      title: 'Independent advocacy by authority in the same police force area',
      description:
        'The same rates for every authority of the force area, all meetings together. Other authorities’ figures are always shown with counts under 3 suppressed.',
      columns: [label('Authority'), ...rateColumns],
      rows: f.authorities.map((a) => {
        const own = area.type === 'authority' && a.code === area.code;
        return rateRow(own ? `${a.name} (this report)` : a.name, a.counts.all, (v) =>
          suppress(v, own && exact),
        );
      }),
      chartColumns: [3, 5],
    },
  ];
}
