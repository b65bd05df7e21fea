import { and, asc, eq, type SQL } from 'drizzle-orm';
import { accessRow, type GrantAccess } from '../../platform/access/child-access';
import { child, childAccess } from '../../platform/access/tables';
import type { Tx } from '../../platform/db/client';

export async function insertChild(tx: Tx, values: typeof child.$inferInsert): Promise<string> {
  const [row] = await tx.insert(child).values(values).returning({ id: child.id });
  if (!row) throw new Error('child insert returned nothing');
  return row.id;
}

export async function grantAccess(tx: Tx, grant: GrantAccess): Promise<void> {
  await tx.insert(childAccess).values(accessRow(grant));
}

export async function findChild(tx: Tx, id: string, visible: SQL) {
  const [row] = await tx
    .select()
    .from(child)
    .where(and(eq(child.id, id), visible));
  return row ?? null;
}

export async function listChildren(tx: Tx, visible: SQL, limit = 100) {
  return tx
    .select()
    .from(child)
    .where(visible)
    .orderBy(asc(child.familyName), asc(child.givenName))
    .limit(limit);
}
