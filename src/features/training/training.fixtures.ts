import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { agency } from '../../platform/agencies/tables';
import { hashPassword } from '../../platform/auth/passwords';
import { appUser } from '../../platform/auth/tables';
import type { WithTransaction } from '../../platform/db/transaction';
import { childrensHome } from '../homes/tables';

/** For tests: the demo's children's home provider, which has no administrator among the demo users. */
export const PROVIDER = 'Brightwater Children’s Homes Ltd';
export const PROVIDER_ADMIN = 'provider.admin@lantern.invalid';

/** Adds the provider's administrator (who records training) and a home of the provider in Leeds. */
export async function providerWithHome(
  withTransaction: WithTransaction,
  now: Date,
  password: string,
  home: { urn: string; name: string; localAuthorityCode?: string } = {
    urn: 'SC700001',
    name: 'Willow House',
  },
): Promise<{ agencyId: string; homeId: string; adminEmail: string }> {
  const passwordHash = await hashPassword(password);
  return withTransaction(async (tx) => {
    const [provider] = await tx.select({ id: agency.id }).from(agency).where(eq(agency.name, PROVIDER));
    if (!provider) throw new Error('the demo provider must be seeded first');
    const [existing] = await tx
      .select({ id: appUser.id })
      .from(appUser)
      .where(eq(appUser.email, PROVIDER_ADMIN));
    if (!existing) {
      await tx.insert(appUser).values({
        agencyId: provider.id,
        email: PROVIDER_ADMIN,
        name: 'Rhona Tillet',
        roles: ['agency_administrator'],
        passwordHash,
        createdAt: now,
      });
    }
    const [h] = await tx
      .insert(childrensHome)
      .values({
        urn: home.urn,
        name: home.name,
        providerName: PROVIDER,
        providerAgencyId: provider.id,
        address: `${randomUUID().slice(0, 2)} Example Road`,
        postcode: 'LS6 1AA',
        localAuthorityCode: home.localAuthorityCode ?? 'E08000035',
        registeredPlaces: 4,
        status: 'active',
        importedAt: now,
      })
      .returning({ id: childrensHome.id });
    if (!h) throw new Error('home fixture');
    return { agencyId: provider.id, homeId: h.id, adminEmail: PROVIDER_ADMIN };
  });
}

export const COURSE_GROOMING = '7a1c0000-0000-4000-8000-000000000001';
export const COURSE_MISSING = '7a1c0000-0000-4000-8000-000000000002';
export const COURSE_HOTEL = '7a1c0000-0000-4000-8000-000000000003';
