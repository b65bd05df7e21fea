import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Config } from '../../config';
import { requirePermission } from '../../platform/access/guard';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError, ValidationError } from '../../platform/http/errors';
import type { AlertsService } from '../alerts/alerts.service';
import * as children from '../children/children.repository';
import { childrensHome } from '../homes/tables';
import type { LocationsService } from '../locations/locations.service';
import { milesBetween } from './distance';
import { type NewPlacement, newPlacement } from './schemas';
import { placement } from './tables';

async function agencyFor(tx: Tx, type: 'local_authority' | 'police_force', code: string) {
  const [row] = await tx
    .select({ id: agency.id })
    .from(agency)
    .where(
      and(
        eq(agency.type, type),
        type === 'police_force' ? eq(agency.policeForceCode, code) : eq(agency.localAuthorityCode, code),
        isNull(agency.disabledAt),
      ),
    );
  return row?.id ?? null;
}

export class PlacementsService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly outOfAreaMiles: Config['outOfAreaMiles'],
    private readonly locations: LocationsService,
    private readonly alerts: AlertsService,
  ) {}

  /**
   * Places a child. The placing and host authorities, the host force and the home's provider all
   * get access to the child, in the same transaction; the distance from home is worked out when
   * both places have coordinates.
   */
  async place(ctx: Context, childId: string, input: NewPlacement): Promise<string> {
    requirePermission(ctx, 'placement:record');
    const p = newPlacement.parse(input);
    // Away from a registered home, the position comes from the user or the postcode lookup.
    const looked =
      !p.homeId && !p.homeUrn && p.postcode && p.latitude === undefined
        ? await this.locations.resolve({ name: p.postcode, postcode: p.postcode })
        : null;
    return this.withTransaction(async (tx) => {
      const found = await children.findVisibleChild(tx, ctx, childId);
      if (!found) throw new NotFoundError();
      const [home] = p.homeId
        ? await tx.select().from(childrensHome).where(eq(childrensHome.id, p.homeId))
        : p.homeUrn
          ? await tx.select().from(childrensHome).where(eq(childrensHome.urn, p.homeUrn))
          : [];
      if ((p.homeId || p.homeUrn) && !home) {
        throw new ValidationError([
          { field: 'homeUrn', message: 'No home with that URN is on the register' },
        ]);
      }
      const hostAuthorityCode = home?.localAuthorityCode ?? p.hostAuthorityCode ?? '';
      const lat = p.latitude ?? home?.latitude ?? looked?.latitude ?? null;
      const lon = p.longitude ?? home?.longitude ?? looked?.longitude ?? null;
      const distance =
        lat !== null && lon !== null && found.homeLatitude !== null && found.homeLongitude !== null
          ? milesBetween({ lat: found.homeLatitude, lon: found.homeLongitude }, { lat, lon })
          : null;
      const now = ctx.clock.now();
      const [row] = await tx
        .insert(placement)
        .values({
          childId,
          homeId: home?.id ?? null,
          postcode: home?.postcode ?? p.postcode ?? '',
          latitude: lat,
          longitude: lon,
          placementType: p.placementType,
          provider: p.provider ?? null,
          placingAuthorityCode: p.placingAuthorityCode,
          hostAuthorityCode,
          startDate: p.startDate,
          distanceFromHomeMiles: distance,
          createdAt: now,
        })
        .returning({ id: placement.id });
      if (!row) throw new Error('placement insert returned nothing');
      const hostForce = findLocalAuthority(hostAuthorityCode)?.policeForceCode;
      const grants = [
        {
          agencyId: await agencyFor(tx, 'local_authority', p.placingAuthorityCode),
          basis: 'placing_authority' as const,
        },
        {
          agencyId: await agencyFor(tx, 'local_authority', hostAuthorityCode),
          basis: 'host_authority' as const,
        },
        {
          agencyId: hostForce ? await agencyFor(tx, 'police_force', hostForce) : null,
          basis: 'host_force' as const,
        },
        { agencyId: home?.providerAgencyId ?? null, basis: 'home' as const },
      ];
      for (const g of grants) {
        if (g.agencyId)
          await children.grantAccess(tx, {
            childId,
            agencyId: g.agencyId,
            basis: g.basis,
            sourceId: row.id,
            validFrom: now,
          });
      }
      // The host authority and host force are told, with the child's Philomena profile to hand.
      const hostAgencies = grants
        .filter((g) => g.basis === 'host_authority' || g.basis === 'host_force')
        .map((g) => g.agencyId)
        .filter((a) => a && a !== ctx.actor.agencyId);
      await this.alerts.raise(tx, ctx, {
        kind: 'placement-started',
        agencyIds: hostAgencies,
        childId,
        subjectType: 'placement',
        subjectId: row.id,
        key: `placement-started:${row.id}`,
      });
      await recordAudit(tx, ctx, {
        action: 'placement.create',
        subjectType: 'placement',
        subjectId: row.id,
        childId,
      });
      return row.id;
    });
  }

  /** Records the end of a placement; the host authority and force are told. */
  async end(ctx: Context, childId: string, placementId: string, endDate: string): Promise<void> {
    requirePermission(ctx, 'placement:record');
    await this.withTransaction(async (tx) => {
      const found = await children.findVisibleChild(tx, ctx, childId);
      if (!found) throw new NotFoundError();
      const [row] = await tx
        .select()
        .from(placement)
        .where(and(eq(placement.id, placementId), eq(placement.childId, childId), isNull(placement.endDate)));
      if (!row) throw new NotFoundError();
      if (endDate < row.startDate) {
        throw new ValidationError([
          { field: 'end-day', message: 'The end must be on or after the start date' },
        ]);
      }
      await tx.update(placement).set({ endDate }).where(eq(placement.id, placementId));
      const hostForce = findLocalAuthority(row.hostAuthorityCode)?.policeForceCode;
      await this.alerts.raise(tx, ctx, {
        kind: 'placement-ended',
        agencyIds: [
          await agencyFor(tx, 'local_authority', row.hostAuthorityCode),
          hostForce ? await agencyFor(tx, 'police_force', hostForce) : null,
        ].filter((a) => a !== ctx.actor.agencyId),
        childId,
        subjectType: 'placement',
        subjectId: placementId,
        key: `placement-ended:${placementId}`,
      });
      await recordAudit(tx, ctx, {
        action: 'placement.end',
        subjectType: 'placement',
        subjectId: placementId,
        childId,
      });
    });
  }

  /** Every placement of the child, newest first. */
  async historyFor(ctx: Context, childId: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const found = await children.findVisibleChild(tx, ctx, childId);
      if (!found) throw new NotFoundError();
      return tx
        .select()
        .from(placement)
        .where(eq(placement.childId, childId))
        .orderBy(desc(placement.startDate));
    });
  }

  /** The child's current placement, with whether it is out of area. */
  async current(tx: Tx, childId: string) {
    const [row] = await tx
      .select()
      .from(placement)
      .where(and(eq(placement.childId, childId), isNull(placement.endDate)))
      .orderBy(desc(placement.startDate))
      .limit(1);
    if (!row) return null;
    return {
      ...row,
      outOfArea:
        row.placingAuthorityCode !== row.hostAuthorityCode ||
        (row.distanceFromHomeMiles !== null && row.distanceFromHomeMiles > this.outOfAreaMiles),
    };
  }

  async currentFor(ctx: Context, childId: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const found = await children.findVisibleChild(tx, ctx, childId);
      if (!found) throw new NotFoundError();
      return this.current(tx, childId);
    });
  }
}
