import { stringify } from 'csv-stringify/sync';
import { and, asc, eq, gte, inArray, isNull } from 'drizzle-orm';
import { childVisibleTo } from '../../platform/access/child-access';
import { requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError } from '../../platform/http/errors';
import { episode, returnInterview } from '../episodes/tables';
import { childIdentifier } from './ssda903';

export interface AnnexARow {
  childId: string;
  child: string;
  name: string;
  missing: number;
  absent: number;
  /** After the last missing episode in the 12 months; blank when there was none. */
  offered: 'Y' | 'N' | '';
  accepted: 'Y' | 'N' | '';
}

export const annexAHeader = [
  'Child unique ID',
  'Number of missing episodes in the last 12 months',
  'Number of away from placement without authorisation episodes in the last 12 months',
  'Was the child offered a return interview after their last missing episode?',
  'Did the child accept a return interview after their last missing episode?',
];

const offeredStatuses = new Set(['offered', 'accepted', 'declined', 'held']);
const acceptedStatuses = new Set(['accepted', 'held']);

/** Twelve months back from an instant, to the same time of day. */
export function twelveMonthsBefore(now: Date): Date {
  const since = new Date(now);
  since.setUTCFullYear(since.getUTCFullYear() - 1);
  return since;
}

/**
 * Ofsted Annex A, List 8, the missing columns: per looked-after child of the authority, the missing
 * and away episodes in the last 12 months, and whether a return interview was offered and accepted
 * after the last missing episode (offered: the interview was offered, accepted, declined or held;
 * accepted: accepted or held).
 */
export class AnnexAService {
  constructor(private readonly withTransaction: WithTransaction) {}

  async list8(
    ctx: Context,
    authorityCode: string,
    purpose: 'view' | 'download' = 'view',
  ): Promise<AnnexARow[]> {
    requirePermission(ctx, 'report:view');
    if (purpose === 'download') requirePermission(ctx, 'report:download');
    if (!findLocalAuthority(authorityCode) || ctx.actor.localAuthorityCode !== authorityCode) {
      throw new NotFoundError();
    }
    const since = twelveMonthsBefore(ctx.clock.now());
    return this.withTransaction(async (tx) => {
      const children = await tx
        .select()
        .from(child)
        .where(
          and(
            eq(child.lookedAfter, true),
            eq(child.responsibleAuthorityCode, authorityCode),
            childVisibleTo(ctx, child.id),
          ),
        );
      const ids = children.map((c) => c.id);
      const episodes = ids.length
        ? await tx
            .select({
              id: episode.id,
              childId: episode.childId,
              kind: episode.kind,
              startedAt: episode.startedAt,
            })
            .from(episode)
            .where(
              and(
                inArray(episode.childId, ids),
                isNull(episode.enteredInErrorAt),
                gte(episode.startedAt, since),
              ),
            )
            .orderBy(asc(episode.startedAt))
        : [];
      const lastMissing = new Map<string, string>();
      for (const e of episodes) if (e.kind === 'missing') lastMissing.set(e.childId, e.id);
      const interviews = lastMissing.size
        ? await tx
            .select({
              episodeId: returnInterview.episodeId,
              status: returnInterview.status,
              offeredAt: returnInterview.offeredAt,
            })
            .from(returnInterview)
            .where(inArray(returnInterview.episodeId, [...lastMissing.values()]))
        : [];
      const rows = children
        .map((c): AnnexARow => {
          const mine = episodes.filter((e) => e.childId === c.id);
          const last = lastMissing.get(c.id);
          const its = interviews.filter((i) => i.episodeId === last);
          const offered = its.some((i) => offeredStatuses.has(i.status) || i.offeredAt !== null);
          const accepted = its.some((i) => acceptedStatuses.has(i.status));
          return {
            childId: c.id,
            child: childIdentifier({ id: c.id, laChildId: c.localAuthorityChildId }),
            name: `${c.givenName} ${c.familyName}`,
            missing: mine.filter((e) => e.kind === 'missing').length,
            absent: mine.filter((e) => e.kind === 'absent').length,
            offered: last ? (offered ? 'Y' : 'N') : '',
            accepted: last ? (accepted ? 'Y' : 'N') : '',
          };
        })
        .sort((a, b) => a.child.localeCompare(b.child));
      await recordAudit(tx, ctx, {
        action: purpose === 'download' ? 'annex-a.download' : 'annex-a.view',
        subjectType: 'annex_a',
        subjectId: authorityCode,
      });
      return rows;
    });
  }
}

export function annexACsv(rows: AnnexARow[]): string {
  return stringify(
    [annexAHeader, ...rows.map((r) => [r.child, r.missing, r.absent, r.offered, r.accepted])],
    {
      record_delimiter: '\r\n',
    },
  );
}
