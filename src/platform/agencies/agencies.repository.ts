import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../db/client';
import type { Cursor } from '../http/pagination';
import { agency, localAuthority, policeForce } from './tables';

export async function findAgency(tx: Tx, id: string, scope?: SQL) {
  const [row] = await tx
    .select()
    .from(agency)
    .where(and(eq(agency.id, id), scope));
  return row ?? null;
}

export async function listAgencies(tx: Tx, scope?: SQL, page?: { after: Cursor | null; limit: number }) {
  const after = page?.after;
  const query = tx
    .select({
      id: agency.id,
      name: agency.name,
      type: agency.type,
      localAuthorityCode: agency.localAuthorityCode,
      localAuthorityName: localAuthority.name,
      policeForceCode: agency.policeForceCode,
      policeForceName: policeForce.name,
      disabledAt: agency.disabledAt,
    })
    .from(agency)
    .leftJoin(localAuthority, eq(localAuthority.code, agency.localAuthorityCode))
    .leftJoin(policeForce, eq(policeForce.code, agency.policeForceCode))
    .where(
      and(
        scope,
        after
          ? sql`(${agency.name}, ${agency.id}) > (${String(after[0])}, ${String(after[1])}::uuid)`
          : undefined,
      ),
    )
    .orderBy(asc(agency.name), asc(agency.id));
  return page ? query.limit(page.limit) : query;
}

export async function insertAgency(tx: Tx, values: typeof agency.$inferInsert): Promise<string> {
  const [row] = await tx.insert(agency).values(values).returning({ id: agency.id });
  if (!row) throw new Error('agency insert returned nothing');
  return row.id;
}

export async function agencyNameTaken(tx: Tx, name: string): Promise<boolean> {
  const rows = await tx.select({ id: agency.id }).from(agency).where(eq(agency.name, name));
  return rows.length > 0;
}
