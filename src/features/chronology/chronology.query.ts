import { type SQL, sql } from 'drizzle-orm';
import { agency, localAuthority } from '../../platform/agencies/tables';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import { type Cursor, pageOf } from '../../platform/http/pagination';
import { advocacyMeeting } from '../advocacy/tables';
import { concern } from '../alerts/tables';
import { episode, returnInterview, riskGrading } from '../episodes/tables';
import { justiceCase, justiceCaseStatus, justiceContact } from '../justice/tables';
import { noticeVisibleTo } from '../notices/notices.service';
import { notice, noticeDecision } from '../notices/tables';
import { placement } from '../placements/tables';
import { cseScreening } from '../screening/tables';
import { sighting } from '../sightings/tables';
import { caseNote } from './tables';

export const eventTypes = {
  episode: 'Episodes',
  grading: 'Risk gradings',
  interview: 'Return interviews',
  notice: 'Concern notices and decisions',
  concern: 'Home concerns',
  sighting: 'Sightings',
  placement: 'Placements',
  screening: 'CSE screenings',
  note: 'Case notes',
  advocacy: 'Advocacy for meetings',
  justice: 'Justice cases',
} as const;
export type EventType = keyof typeof eventTypes;

export interface ChronologyEntry {
  at: Date;
  type: EventType;
  agency: string | null;
  title: string;
  detail: string;
  href: string | null;
}

interface EventRow extends Record<string, unknown> {
  at: Date | string;
  at_key: string;
  kind: string;
  id: string;
  type: EventType;
  agency: string | null;
  a: string | null;
  b: string | null;
  link: string | null;
}

/** An event of the union: when, its kind and id (the order and the cursor), and what it shows. */
const part = (
  at: SQL,
  kind: string,
  type: EventType,
  id: SQL,
  agencyName: SQL,
  a: SQL,
  b: SQL,
  link: SQL,
  from: SQL,
) =>
  sql`select ${at} as at, ${kind}::text as kind, (${id})::text as id, ${type}::text as type,
    ${agencyName}::text as agency, (${a})::text as a, (${b})::text as b, (${link})::text as link ${from}`;

const none = sql`null`;
const placementDay = (d: SQL) => sql`((${d})::timestamp + interval '12 hours') at time zone 'UTC'`;

/**
 * Every event recorded about a child by every agency, as one union in SQL, so that a page of the
 * chronology is read in time order a page at a time, however long the child's history. Access:
 * the caller has checked the child is visible; notices are filtered as the notice pages filter them.
 */
function events(ctx: Context, childId: string): SQL {
  const placingName = sql`(select ${localAuthority.name} from ${localAuthority} where ${localAuthority.code} = ${placement.placingAuthorityCode})`;
  const hostName = sql`(select ${localAuthority.name} from ${localAuthority} where ${localAuthority.code} = ${placement.hostAuthorityCode})`;
  const parts = [
    part(
      sql`${episode.startedAt}`,
      'episode-start',
      'episode',
      sql`${episode.id}`,
      none,
      sql`${episode.kind}`,
      sql`${episode.lastSeenLocation}`,
      sql`${episode.id}`,
      sql`from ${episode} where ${episode.childId} = ${childId} and ${episode.enteredInErrorAt} is null`,
    ),
    part(
      sql`${episode.endedAt}`,
      'episode-end',
      'episode',
      sql`${episode.id}`,
      none,
      sql`${episode.kind}`,
      sql`${episode.foundLocation}`,
      sql`${episode.id}`,
      sql`from ${episode} where ${episode.childId} = ${childId} and ${episode.enteredInErrorAt} is null
        and ${episode.endedAt} is not null`,
    ),
    part(
      sql`${riskGrading.gradedAt}`,
      'grading',
      'grading',
      sql`${riskGrading.id}`,
      none,
      sql`${riskGrading.grade}`,
      sql`${riskGrading.rationale}`,
      sql`${riskGrading.episodeId}`,
      sql`from ${riskGrading} join ${episode} on ${episode.id} = ${riskGrading.episodeId}
        where ${episode.childId} = ${childId} and ${episode.enteredInErrorAt} is null`,
    ),
    part(
      sql`${returnInterview.heldAt}`,
      'interview-held',
      'interview',
      sql`${returnInterview.id}`,
      none,
      none,
      sql`${returnInterview.heldWhere}`,
      sql`${returnInterview.id}`,
      sql`from ${returnInterview} where ${returnInterview.childId} = ${childId} and ${returnInterview.heldAt} is not null`,
    ),
    part(
      sql`${returnInterview.createdAt}`,
      'interview-declined',
      'interview',
      sql`${returnInterview.id}`,
      none,
      none,
      sql`${returnInterview.declinedReason}`,
      sql`${returnInterview.id}`,
      sql`from ${returnInterview} where ${returnInterview.childId} = ${childId}
        and ${returnInterview.heldAt} is null and ${returnInterview.status} = 'declined'`,
    ),
    part(
      sql`${concern.raisedAt}`,
      'concern',
      'concern',
      sql`${concern.id}`,
      sql`${agency.name}`,
      none,
      sql`${concern.details}`,
      none,
      sql`from ${concern} join ${agency} on ${agency.id} = ${concern.raisedByAgencyId} where ${concern.childId} = ${childId}`,
    ),
    part(
      sql`${sighting.seenAt}`,
      'sighting',
      'sighting',
      sql`${sighting.id}`,
      sql`${agency.name}`,
      none,
      sql`${sighting.place}`,
      none,
      sql`from ${sighting} join ${agency} on ${agency.id} = ${sighting.agencyId} where ${sighting.childId} = ${childId}`,
    ),
    part(
      sql`${notice.raisedAt}`,
      'notice',
      'notice',
      sql`${notice.id}`,
      sql`${agency.name}`,
      sql`array_to_string(${notice.categories}, ', ')`,
      none,
      sql`${notice.id}`,
      sql`from ${notice} join ${agency} on ${agency.id} = ${notice.raisedByAgencyId}
        where ${notice.childId} = ${childId} and ${noticeVisibleTo(ctx)}`,
    ),
    part(
      sql`${notice.decidedAt}`,
      'decision',
      'notice',
      sql`${notice.id}`,
      sql`'MASH'`,
      none,
      sql`${noticeDecision.outcomeLabel}`,
      sql`${notice.id}`,
      sql`from ${notice} join ${noticeDecision} on ${noticeDecision.noticeId} = ${notice.id}
        and ${noticeDecision.supersededAt} is null and ${noticeDecision.finalAt} is not null
        where ${notice.childId} = ${childId} and ${notice.decidedAt} is not null and ${noticeVisibleTo(ctx)}`,
    ),
    part(
      placementDay(sql`${placement.startDate}`),
      'placement-start',
      'placement',
      sql`${placement.id}`,
      sql`coalesce(${placingName}, ${placement.placingAuthorityCode})`,
      sql`coalesce(${hostName}, ${placement.hostAuthorityCode})`,
      sql`${placement.postcode}`,
      none,
      sql`from ${placement} where ${placement.childId} = ${childId}`,
    ),
    part(
      placementDay(sql`${placement.endDate}`),
      'placement-end',
      'placement',
      sql`${placement.id}`,
      sql`coalesce(${placingName}, ${placement.placingAuthorityCode})`,
      none,
      none,
      none,
      sql`from ${placement} where ${placement.childId} = ${childId} and ${placement.endDate} is not null`,
    ),
    part(
      sql`${cseScreening.screenedAt}`,
      'screening',
      'screening',
      sql`${cseScreening.id}`,
      sql`${agency.name}`,
      sql`${cseScreening.level}`,
      sql`${cseScreening.score}`,
      sql`${cseScreening.id}`,
      sql`from ${cseScreening} join ${agency} on ${agency.id} = ${cseScreening.screenedByAgencyId}
        where ${cseScreening.childId} = ${childId}`,
    ),
    part(
      sql`${caseNote.createdAt}`,
      'note',
      'note',
      sql`${caseNote.id}`,
      sql`${agency.name}`,
      none,
      sql`${caseNote.note}`,
      none,
      sql`from ${caseNote} join ${agency} on ${agency.id} = ${caseNote.agencyId} where ${caseNote.childId} = ${childId}`,
    ),
    part(
      placementDay(sql`${advocacyMeeting.meetingOn}`),
      'advocacy',
      'advocacy',
      sql`${advocacyMeeting.id}`,
      sql`${agency.name}`,
      sql`${advocacyMeeting.kind}`,
      sql`case when not ${advocacyMeeting.offered} then 'not offered' else 'offered, ' || replace(${advocacyMeeting.response}, '_', ' ') end`,
      sql`${advocacyMeeting.id}`,
      sql`from ${advocacyMeeting} join ${agency} on ${agency.id} = ${advocacyMeeting.recordedByAgencyId}
        where ${advocacyMeeting.childId} = ${childId} and ${advocacyMeeting.enteredInErrorAt} is null`,
    ),
  ];
  // Justice details need their own permission: without it the chronology has none of them.
  if (ctx.permissions.has('justice:view')) {
    const liveCase = sql`${justiceCase.childId} = ${childId} and ${justiceCase.enteredInErrorAt} is null`;
    parts.push(
      part(
        sql`${justiceCaseStatus.recordedAt}`,
        'justice-status',
        'justice',
        sql`${justiceCaseStatus.id}`,
        sql`${agency.name}`,
        sql`${justiceCaseStatus.status}`,
        sql`concat_ws(': ', ${justiceCase.crimeReference}, ${justiceCaseStatus.outcome}, ${justiceCaseStatus.note})`,
        sql`${justiceCase.id}`,
        sql`from ${justiceCaseStatus} join ${justiceCase} on ${justiceCase.id} = ${justiceCaseStatus.caseId}
          join ${agency} on ${agency.id} = ${justiceCaseStatus.recordedByAgencyId} where ${liveCase}`,
      ),
      part(
        sql`${justiceContact.contactAt}`,
        'justice-contact',
        'justice',
        sql`${justiceContact.id}`,
        sql`${agency.name}`,
        sql`${justiceContact.contactWith}`,
        sql`concat_ws(': ', ${justiceCase.crimeReference}, ${justiceContact.note})`,
        sql`${justiceCase.id}`,
        sql`from ${justiceContact} join ${justiceCase} on ${justiceCase.id} = ${justiceContact.caseId}
          join ${agency} on ${agency.id} = ${justiceContact.recordedByAgencyId} where ${liveCase}`,
      ),
    );
  }
  return sql.join(parts, sql` union all `);
}

const words = (code: string | null) => (code ?? '').replaceAll('_', ' ');

function entryOf(r: EventRow): ChronologyEntry {
  const at = new Date(r.at);
  const base = { at, type: r.type, agency: r.agency };
  switch (r.kind) {
    case 'episode-start':
      return { ...base, title: `Reported ${r.a}`, detail: r.b ?? '', href: `/episodes/${r.link}` };
    case 'episode-end':
      return {
        ...base,
        title: r.a === 'missing' ? 'Found' : 'Returned',
        detail: r.b ?? '',
        href: `/episodes/${r.link}`,
      };
    case 'grading':
      return { ...base, title: `Risk graded ${words(r.a)}`, detail: r.b ?? '', href: `/episodes/${r.link}` };
    case 'interview-held':
      return { ...base, title: 'Return interview held', detail: r.b ?? '', href: null };
    case 'interview-declined':
      return { ...base, title: 'Return interview declined', detail: r.b ?? '', href: null };
    case 'concern':
      return { ...base, title: 'Concern raised', detail: r.b ?? '', href: null };
    case 'sighting':
      return { ...base, title: 'Seen by staff', detail: r.b ?? '', href: null };
    case 'notice':
      return { ...base, title: 'Concern notice raised', detail: words(r.a), href: `/notices/${r.link}` };
    case 'decision':
      return { ...base, title: 'Joint decision', detail: r.b ?? '', href: `/notices/${r.link}` };
    case 'placement-start':
      return { ...base, title: 'Placement started', detail: `In ${r.a} (${r.b})`, href: null };
    case 'placement-end':
      return { ...base, title: 'Placement ended', detail: '', href: null };
    case 'screening':
      return {
        ...base,
        title: `CSE screening: ${words(r.a)}`,
        detail: `Score ${r.b}`,
        href: `/screenings/${r.link}`,
      };
    case 'advocacy':
      return {
        ...base,
        title: `${r.a === 'placement_planning' ? 'Placement planning meeting' : 'Care review'}: advocacy ${r.b}`,
        detail: '',
        href: `/advocacy/${r.link}`,
      };
    case 'justice-status':
      return {
        ...base,
        title: `Justice case: ${words(r.a)}`,
        detail: r.b ?? '',
        href: `/justice-cases/${r.link}`,
      };
    case 'justice-contact':
      return {
        ...base,
        title: `Justice case: contact with ${r.a === 'both' ? 'the child and family' : `the ${r.a}`}`,
        detail: r.b ?? '',
        href: `/justice-cases/${r.link}`,
      };
    default:
      return { ...base, title: 'Case note', detail: r.b ?? '', href: null };
  }
}

export interface ChronologyFilter {
  types?: EventType[];
  agency?: string;
}

/** One page of a child's chronology, newest first, after `cursor`: [time, kind, id] of the last row. */
export async function chronologyPage(
  tx: Tx,
  ctx: Context,
  childId: string,
  filter: ChronologyFilter,
  cursor: Cursor | null,
  size: number,
) {
  const where = [
    filter.types?.length
      ? sql`ev.type in (${sql.join(
          filter.types.map((t) => sql`${t}`),
          sql`, `,
        )})`
      : sql`true`,
    filter.agency ? sql`ev.agency = ${filter.agency}` : sql`true`,
    cursor
      ? sql`(ev.at, ev.kind, ev.id) < (${String(cursor[0])}::timestamptz, ${String(cursor[1])}, ${String(cursor[2])})`
      : sql`true`,
  ];
  const result = await tx.execute(sql`
    select ev.*, ev.at::text as at_key from (${events(ctx, childId)}) ev
     where ${sql.join(where, sql` and `)}
     order by ev.at desc, ev.kind desc, ev.id desc
     limit ${size + 1}`);
  const rows = (result as unknown as { rows: EventRow[] }).rows;
  const page = pageOf(rows, size, (r) => [r.at_key, r.kind, r.id]);
  return { rows: page.rows.map(entryOf), next: page.next };
}

/** How many events the child's chronology holds, and the agencies that recorded them. */
export async function chronologyFacts(tx: Tx, ctx: Context, childId: string) {
  const result = await tx.execute(sql`
    select ev.agency, count(*)::int as n from (${events(ctx, childId)}) ev group by ev.agency`);
  const rows = (result as unknown as { rows: { agency: string | null; n: number }[] }).rows;
  return {
    total: rows.reduce((sum, r) => sum + Number(r.n), 0),
    agencies: rows
      .map((r) => r.agency)
      .filter((a): a is string => Boolean(a))
      .sort(),
  };
}
