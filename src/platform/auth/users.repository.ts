import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import { agency } from '../agencies/tables';
import type { Tx } from '../db/client';
import type { Cursor } from '../http/pagination';
import { appUser } from './tables';

export const userColumns = {
  id: appUser.id,
  name: appUser.name,
  email: appUser.email,
  roles: appUser.roles,
  agencyId: appUser.agencyId,
  agencyName: agency.name,
  agencyType: agency.type,
  disabledAt: appUser.disabledAt,
  totpEnabledAt: appUser.totpEnabledAt,
  lastSignedInAt: appUser.lastSignedInAt,
  accessReviewedAt: appUser.accessReviewedAt,
  createdAt: appUser.createdAt,
};

export type UserSummary = Awaited<ReturnType<typeof listUsers>>[number];

export async function listUsers(tx: Tx, scope: SQL | undefined, filter: { agencyId?: string } = {}) {
  return tx
    .select(userColumns)
    .from(appUser)
    .innerJoin(agency, eq(agency.id, appUser.agencyId))
    .where(and(scope, filter.agencyId ? eq(appUser.agencyId, filter.agencyId) : undefined))
    .orderBy(asc(agency.name), asc(appUser.name));
}

/** One page of users in the order (agency, name, id), after a cursor of those three. */
export async function pageOfUsers(
  tx: Tx,
  scope: SQL | undefined,
  filter: { agencyId?: string },
  after: Cursor | null,
  limit: number,
) {
  return tx
    .select(userColumns)
    .from(appUser)
    .innerJoin(agency, eq(agency.id, appUser.agencyId))
    .where(
      and(
        scope,
        filter.agencyId ? eq(appUser.agencyId, filter.agencyId) : undefined,
        after
          ? sql`(${agency.name}, ${appUser.name}, ${appUser.id}) > (${String(after[0])}, ${String(after[1])}, ${String(after[2])}::uuid)`
          : undefined,
      ),
    )
    .orderBy(asc(agency.name), asc(appUser.name), asc(appUser.id))
    .limit(limit);
}

export async function countUsers(tx: Tx, scope: SQL | undefined, filter: { agencyId?: string }) {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(appUser)
    .where(and(scope, filter.agencyId ? eq(appUser.agencyId, filter.agencyId) : undefined));
  return Number(row?.n ?? 0);
}

export async function findUser(tx: Tx, id: string, scope: SQL | undefined) {
  const [row] = await tx
    .select(userColumns)
    .from(appUser)
    .innerJoin(agency, eq(agency.id, appUser.agencyId))
    .where(and(eq(appUser.id, id), scope));
  return row ?? null;
}

export async function findUserForSignIn(tx: Tx, email: string) {
  const [row] = await tx
    .select({ user: appUser, agencyDisabledAt: agency.disabledAt })
    .from(appUser)
    .innerJoin(agency, eq(agency.id, appUser.agencyId))
    .where(eq(sql`lower(${appUser.email})`, email.toLowerCase()));
  return row ?? null;
}

export async function emailTaken(tx: Tx, email: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: appUser.id })
    .from(appUser)
    .where(eq(sql`lower(${appUser.email})`, email.toLowerCase()));
  return row !== undefined;
}

export async function insertUser(tx: Tx, values: typeof appUser.$inferInsert): Promise<string> {
  const [row] = await tx.insert(appUser).values(values).returning({ id: appUser.id });
  if (!row) throw new Error('user insert returned nothing');
  return row.id;
}

export async function updateUser(
  tx: Tx,
  id: string,
  values: Partial<typeof appUser.$inferInsert>,
): Promise<void> {
  await tx.update(appUser).set(values).where(eq(appUser.id, id));
}
