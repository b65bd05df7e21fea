import { eq } from 'drizzle-orm';
import { agency } from '../../src/platform/agencies/tables';
import { contextForUser } from '../../src/platform/auth/actor';
import { appUser } from '../../src/platform/auth/tables';
import type { Context } from '../../src/platform/context';
import type { TestApp } from './app';

/** The service context a signed-in demo user would have, for calling services directly. */
export async function contextFor(t: Pick<TestApp, 'services' | 'clock'>, email: string): Promise<Context> {
  const [row] = await t.services.withTransaction((tx) =>
    tx
      .select({ u: appUser, a: agency })
      .from(appUser)
      .innerJoin(agency, eq(agency.id, appUser.agencyId))
      .where(eq(appUser.email, email)),
  );
  if (!row) throw new Error(`no demo user ${email}`);
  return contextForUser(row.u, row.a, `test-${Math.random().toString(36).slice(2)}`, t.clock);
}
