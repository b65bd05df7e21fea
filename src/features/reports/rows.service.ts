import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { sql } from 'drizzle-orm';
import { toOutcode } from 'postcode';
import { requirePermission } from '../../platform/access/guard';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError, ValidationError } from '../../platform/http/errors';
import { fromLondon } from '../../platform/http/london-time';

/**
 * Row-level data for analysts: one row per episode of their area in a period, with nothing that
 * names or identifies the child. Each child is a pseudonym, HMAC-SHA256 of the child's id under a
 * key made for this download and then forgotten: the same child has the same pseudonym throughout
 * one file, and another in the next, so files cannot be joined to each other or back to Lantern.
 * Dates of birth become an age band, postcodes their district.
 *
 * The area is the analyst's agency's, as the annual report counts it: an authority's children it
 * is responsible for, or the episodes in a force's area. Analysts need no access to individual
 * children for this: `data:row-level` is the permission, and every download is audited.
 */

export const rowColumns = [
  'child',
  'episode',
  'kind',
  'started_at',
  'reported_at',
  'ended_at',
  'hours',
  'last_seen_district',
  'risk_grade',
  'sex',
  'ethnicity',
  'age_band_at_start',
  'looked_after',
  'responsible_authority',
  'police_force',
  'return_interview',
  'return_interview_within_72_hours',
] as const;

export interface RowsPeriod {
  /** London calendar dates, YYYY-MM-DD, both included. */
  from: string;
  to: string;
}

export interface RowsDownload {
  fileName: string;
  csv: string;
  rows: number;
}

interface EpisodeRow {
  child_id: string;
  kind: string;
  started: string;
  reported: string;
  ended: string | null;
  hours: string | number | null;
  last_seen_postcode: string | null;
  grade: string | null;
  sex: string | null;
  ethnicity: string | null;
  age: string | number | null;
  looked_after: boolean;
  responsible_authority_code: string | null;
  police_force_code: string | null;
  ri_status: string | null;
  ri_within: boolean | null;
}

const ageBand = (age: number | null): string => {
  if (age === null) return 'Not known';
  if (age < 11) return 'Under 11';
  if (age < 14) return '11 to 13';
  if (age < 16) return '14 to 15';
  if (age < 18) return '16 to 17';
  return '18 or over';
};

const startOfDay = (iso: string, plusDays = 0): Date => {
  const [y, m, d] = iso.split('-').map(Number);
  const day = new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, (d ?? 1) + plusDays));
  const at = fromLondon(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate());
  if (!at) throw new ValidationError([{ field: 'from-day', message: 'Enter real dates' }]);
  return at;
};

export class RowsService {
  constructor(private readonly withTransaction: WithTransaction) {}

  /** The area whose rows the actor may download: their authority, or their force. */
  area(ctx: Context): { type: 'authority' | 'force'; code: string } {
    requirePermission(ctx, 'data:row-level');
    const actor = ctx.actor;
    if (actor.agencyType === 'police_force' && actor.policeForceCode)
      return { type: 'force', code: actor.policeForceCode };
    if (actor.agencyType === 'local_authority' && actor.localAuthorityCode)
      return { type: 'authority', code: actor.localAuthorityCode };
    throw new NotFoundError();
  }

  /** The episodes that started in the period, pseudonymised, as CSV; the download is audited. */
  async download(ctx: Context, period: RowsPeriod): Promise<RowsDownload> {
    const area = this.area(ctx);
    if (period.from > period.to) {
      throw new ValidationError([
        { field: 'to-day', message: 'The last date must be the same as or after the first date' },
      ]);
    }
    const from = startOfDay(period.from);
    const until = startOfDay(period.to, 1);
    const inArea =
      area.type === 'authority'
        ? sql`c.responsible_authority_code = ${area.code}`
        : sql`coalesce(e.police_force_code, la.police_force_code) = ${area.code}`;
    // Made for this file alone and never kept: pseudonyms cannot be reversed or matched across files.
    const key = randomBytes(32);
    const pseudonym = (childId: string) =>
      createHmac('sha256', key).update(childId).digest('hex').slice(0, 20);
    return this.withTransaction(async (tx) => {
      const result = await tx.execute(sql`
        select e.child_id, e.kind,
          to_char(e.started_at at time zone 'Europe/London', 'YYYY-MM-DD HH24:MI') as started,
          to_char(e.reported_at at time zone 'Europe/London', 'YYYY-MM-DD HH24:MI') as reported,
          to_char(e.ended_at at time zone 'Europe/London', 'YYYY-MM-DD HH24:MI') as ended,
          round((extract(epoch from (e.ended_at - e.started_at)) / 3600)::numeric, 1) as hours,
          e.last_seen_postcode,
          (select g.grade from risk_grading g where g.episode_id = e.id
            order by g.graded_at desc, g.id desc limit 1) as grade,
          c.sex, c.ethnicity,
          date_part('year', age((e.started_at at time zone 'Europe/London')::date, c.date_of_birth)) as age,
          c.looked_after, c.responsible_authority_code, e.police_force_code,
          ri.status as ri_status,
          case when ri.id is null then null
            else ri.held_at is not null and ri.held_at <= e.ended_at + interval '72 hours' end as ri_within
        from episode e
        join child c on c.id = e.child_id
        left join local_authority la on la.code = c.responsible_authority_code
        left join return_interview ri on ri.episode_id = e.id
        where e.entered_in_error_at is null
          and e.started_at >= ${from} and e.started_at < ${until}
          and ${inArea}
        order by e.started_at, e.id`);
      const rows = (result as unknown as { rows: EpisodeRow[] }).rows;
      const yesNo = (v: boolean | null) => (v === null ? '' : v ? 'Y' : 'N');
      const csv = stringify(
        rows.map((r, i) => [
          pseudonym(r.child_id),
          i + 1,
          r.kind,
          r.started,
          r.reported,
          r.ended ?? '',
          r.hours === null ? '' : String(Number(r.hours)),
          r.last_seen_postcode ? (toOutcode(r.last_seen_postcode) ?? '') : '',
          r.grade ?? '',
          r.sex ?? '',
          r.ethnicity ?? '',
          ageBand(r.age === null ? null : Number(r.age)),
          yesNo(r.looked_after),
          r.responsible_authority_code ?? '',
          r.police_force_code ?? '',
          r.ri_status ?? '',
          yesNo(r.ri_within),
        ]),
        { header: true, columns: [...rowColumns] },
      );
      const exportId = randomUUID();
      await recordAudit(tx, ctx, {
        action: 'data.row-level-download',
        subjectType: 'row_level_export',
        subjectId: exportId,
        reason: `Episodes of ${area.type} ${area.code} from ${period.from} to ${period.to}: ${rows.length} rows`,
      });
      return {
        fileName: `lantern-episodes-${area.code}-${period.from}-to-${period.to}.csv`,
        csv,
        rows: rows.length,
      };
    });
  }
}
