import { type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/client';
import type { RetentionRecordType } from './tables';

export interface Periods {
  child: number;
  sighting: number;
  nfa_notice: number;
  intelligence_entity: number;
}

export interface DueRow {
  recordType: RetentionRecordType;
  recordId: string;
  agencyId: string | null;
  agencyName: string | null;
  lastActivityAt: Date;
  dueAt: Date;
}

interface RawDue {
  record_type: RetentionRecordType;
  record_id: string;
  agency_id: string | null;
  agency_name: string | null;
  last_ms: number;
  due_ms: number;
}

/** The local authority agency of an area: the holder of what its MASH received. */
const authorityAgency = (code: SQL) =>
  sql`(select a.id from agency a where a.type = 'local_authority' and a.local_authority_code = ${code}
        order by a.created_at, a.id limit 1)`;

const months = (n: number) => sql`make_interval(months => ${n}::int)`;

/**
 * Each kind of record with the agency that holds it, when it was last active and when it is due for
 * review. A child is due at the later of its 25th birthday and the end of the period after its last
 * activity; a sighting not linked to a child, a notice that ended with no further action, and an
 * intelligence entity with no links are due the period after their last activity.
 */
function candidates(periods: Periods, now: Date): SQL {
  const at = sql`${now.toISOString()}::timestamptz`;
  return sql`
    select 'child'::text as record_type, c.id as record_id,
           coalesce(case when c.responsible_authority_code is not null
                         then ${authorityAgency(sql`c.responsible_authority_code`)} end,
                    c.created_by_agency_id) as agency_id,
           x.last_at,
           greatest(x.last_at + ${months(periods.child)},
                    (c.date_of_birth + make_interval(years => 25))::timestamptz) as due_at
      from child c
      cross join lateral (select greatest(
               c.created_at, c.record_decided_at,
               (select max(greatest(e.started_at, coalesce(e.ended_at, ${at}))) from episode e where e.child_id = c.id),
               (select max(r.due_at) from return_interview r where r.child_id = c.id),
               (select max(n.raised_at) from notice n where n.child_id = c.id),
               (select max(coalesce(p.end_date::timestamptz, ${at})) from placement p where p.child_id = c.id),
               (select max(coalesce(ce.ended_on::timestamptz, ${at})) from care_episode ce where ce.child_id = c.id),
               (select max(k.created_at) from case_note k where k.child_id = c.id),
               (select max(s.screened_at) from cse_screening s where s.child_id = c.id),
               (select max(s.seen_at) from sighting s where s.child_id = c.id),
               (select max(l.created_at) from intel_link l where l.child_id = c.id),
               (select max(coalesce(w.ended_at, ${at})) from warning_notice w where w.child_id = c.id)
             ) as last_at) x
    union all
    select 'sighting', s.id, ${authorityAgency(sql`s.area_authority_code`)},
           greatest(s.created_at, s.triaged_at), greatest(s.created_at, s.triaged_at) + ${months(periods.sighting)}
      from sighting s
     where s.child_id is null
    union all
    select 'nfa_notice', n.id, coalesce(${authorityAgency(sql`n.area_authority_code`)}, n.raised_by_agency_id),
           greatest(n.raised_at, d.final_at), greatest(n.raised_at, d.final_at) + ${months(periods.nfa_notice)}
      from notice n
      join notice_decision d on d.notice_id = n.id
     where d.outcome_code = 'nfa' and d.final_at is not null and d.superseded_at is null
    union all
    select 'intelligence_entity', e.id, e.created_by_agency_id, x.last_at,
           x.last_at + ${months(periods.intelligence_entity)}
      from intel_entity e
      cross join lateral (select greatest(e.created_at,
               (select max(greatest(l.created_at, l.occurred_at)) from intel_link l
                 where l.entity_id = e.id or l.from_entity_id = e.id)) as last_at) x
     where e.merged_into_id is null
       and not exists (select 1 from warning_notice w where w.person_id = e.id)`;
}

export interface DueQuery {
  periods: Periods;
  now: Date;
  /** Only records this agency holds; null for every agency. */
  agencyId: string | null;
  recordType?: RetentionRecordType;
  recordId?: string;
  limit: number;
  offset: number;
}

/** Records due for review and not kept past now, soonest due first. */
export async function dueRecords(tx: Tx, q: DueQuery): Promise<{ rows: DueRow[]; total: number }> {
  const at = sql`${q.now.toISOString()}::timestamptz`;
  const where = [
    sql`d.due_at <= ${at}`,
    sql`not exists (select 1 from retention_keep k where k.record_type = d.record_type
                      and k.record_id = d.record_id and k.kept_until > ${at})`,
    q.agencyId ? sql`d.agency_id = ${q.agencyId}::uuid` : sql`true`,
    q.recordType ? sql`d.record_type = ${q.recordType}` : sql`true`,
    q.recordId ? sql`d.record_id = ${q.recordId}::uuid` : sql`true`,
  ];
  const result = (await tx.execute(sql`
    with d as (select * from (${candidates(q.periods, q.now)}) c),
         due as (select d.* from d where ${sql.join(where, sql` and `)})
    select due.record_type, due.record_id::text as record_id, due.agency_id::text as agency_id,
           a.name as agency_name,
           (extract(epoch from due.last_at) * 1000)::float8 as last_ms,
           (extract(epoch from due.due_at) * 1000)::float8 as due_ms,
           count(*) over ()::int as total
      from due left join agency a on a.id = due.agency_id
     order by due.due_at, due.record_type, due.record_id
     limit ${q.limit} offset ${q.offset}`)) as unknown as { rows: (RawDue & { total: number })[] };
  return {
    total: Number(result.rows[0]?.total ?? 0),
    rows: result.rows.map((r) => ({
      recordType: r.record_type,
      recordId: r.record_id,
      agencyId: r.agency_id,
      agencyName: r.agency_name,
      lastActivityAt: new Date(Number(r.last_ms)),
      dueAt: new Date(Number(r.due_ms)),
    })),
  };
}
