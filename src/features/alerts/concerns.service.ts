import { desc, eq } from 'drizzle-orm';
import { requirePermission } from '../../platform/access/guard';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError } from '../../platform/http/errors';
import * as children from '../children/children.repository';
import { authorityAgencyOf, policeAgencyOf } from '../episodes/episodes.repository';
import type { NoticesService } from '../notices/notices.service';
import type { PlacementsService } from '../placements/placements.service';
import type { AlertsService } from './alerts.service';
import { concern } from './tables';

export class ConcernsService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly alerts: AlertsService,
    private readonly placements: PlacementsService,
    private readonly notices: NoticesService,
  ) {}

  /** A home's concern reaches the placing and host authorities and the police of the host area. */
  async raise(ctx: Context, childId: string, details: string): Promise<string> {
    requirePermission(ctx, 'concern:raise');
    return this.withTransaction(async (tx) => {
      const found = await children.findVisibleChild(tx, ctx, childId);
      if (!found) throw new NotFoundError();
      const now = ctx.clock.now();
      const [row] = await tx
        .insert(concern)
        .values({
          childId,
          raisedByUserId: ctx.actor.userId,
          raisedByAgencyId: ctx.actor.agencyId,
          details,
          raisedAt: now,
        })
        .returning({ id: concern.id });
      if (!row) throw new Error('concern insert returned nothing');
      const placed = await this.placements.current(tx, childId);
      const placingCode = placed?.placingAuthorityCode ?? found.responsibleAuthorityCode;
      const hostCode = placed?.hostAuthorityCode ?? null;
      const forceCode = findLocalAuthority(hostCode ?? placingCode ?? '')?.policeForceCode;
      await this.alerts.raise(tx, ctx, {
        kind: 'concern-raised',
        agencyIds: [
          placingCode ? await authorityAgencyOf(tx, placingCode) : null,
          hostCode ? await authorityAgencyOf(tx, hostCode) : null,
          forceCode ? await policeAgencyOf(tx, forceCode) : null,
        ],
        childId,
        subjectType: 'concern',
        subjectId: row.id,
        priority: 'high',
        key: `concern-raised:${row.id}`,
      });
      // The concern is a child concern notice too, so it reaches the MASH queue of the child's area.
      await this.notices.raiseIn(
        tx,
        ctx,
        {
          childId,
          categories: ['sexual_exploitation'],
          whatHappened: details,
          source: 'Staff of the children’s home where the child lives',
        },
        [],
        { alertMash: false },
      );
      await recordAudit(tx, ctx, {
        action: 'concern.raise',
        subjectType: 'concern',
        subjectId: row.id,
        childId,
      });
      return row.id;
    });
  }

  /** The concerns raised about a child the actor may see, newest first, with who raised them. */
  async forChild(ctx: Context, childId: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const found = await children.findVisibleChild(tx, ctx, childId);
      if (!found) throw new NotFoundError();
      return tx
        .select({
          id: concern.id,
          raisedAt: concern.raisedAt,
          details: concern.details,
          agencyName: agency.name,
        })
        .from(concern)
        .innerJoin(agency, eq(agency.id, concern.raisedByAgencyId))
        .where(eq(concern.childId, childId))
        .orderBy(desc(concern.raisedAt));
    });
  }
}
