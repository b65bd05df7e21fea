import { count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { child } from '../platform/access/tables';
import { agency } from '../platform/agencies/tables';
import { listUsers } from '../platform/auth/users.repository';
import type { Services } from '../services';

export async function resolveAgency(services: Services, nameOrId: string): Promise<string | null> {
  const byId = z.uuid().safeParse(nameOrId).success;
  const [row] = await services.withTransaction((tx) =>
    tx
      .select({ id: agency.id })
      .from(agency)
      .where(byId ? eq(agency.id, nameOrId) : eq(agency.name, nameOrId)),
  );
  return row?.id ?? null;
}

export function listUsersForCli(services: Services) {
  return services.withTransaction((tx) => listUsers(tx, undefined));
}

export async function hasNoChildren(services: Services): Promise<boolean> {
  const [row] = await services.withTransaction((tx) => tx.select({ n: count() }).from(child));
  return Number(row?.n ?? 0) === 0;
}
