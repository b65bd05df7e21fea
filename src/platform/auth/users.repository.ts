import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import { agency } from '../agencies/tables';
import type { Tx } from '../db/client';
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
