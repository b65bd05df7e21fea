import { childVisibleTo } from '../../platform/access/child-access';
import { requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError } from '../../platform/http/errors';
import * as repo from './children.repository';
import type { NewChild } from './schemas';

export class ChildrenService {
  constructor(private readonly withTransaction: WithTransaction) {}

  /** Records a child; the recording agency gets access as its creator. */
  async create(ctx: Context, input: NewChild): Promise<string> {
    requirePermission(ctx, 'child:create');
    return this.withTransaction(async (tx) => {
      const id = await repo.insertChild(tx, {
        givenName: input.givenName,
        familyName: input.familyName,
        dateOfBirth: input.dateOfBirth ?? null,
        createdAt: ctx.clock.now(),
      });
      await repo.grantAccess(tx, {
        childId: id,
        agencyId: ctx.actor.agencyId,
        basis: 'creator',
        validFrom: ctx.clock.now(),
      });
      await recordAudit(tx, ctx, {
        action: 'child.create',
        subjectType: 'child',
        subjectId: id,
        childId: id,
      });
      return id;
    });
  }

  /** One child's record. Every read is audited; a child the actor may not see is "not found". */
  async get(ctx: Context, id: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const row = await repo.findChild(tx, id, childVisibleTo(ctx, child.id));
      if (!row) throw new NotFoundError();
      await recordAudit(tx, ctx, { action: 'child.view', subjectType: 'child', subjectId: id, childId: id });
      return row;
    });
  }

  async list(ctx: Context) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const rows = await repo.listChildren(tx, childVisibleTo(ctx, child.id));
      await recordAudit(tx, ctx, { action: 'child.list', subjectType: 'child' });
      return rows;
    });
  }
}
