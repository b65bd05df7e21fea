import { permissionsOf } from '../access/catalogue';
import type { agency } from '../agencies/tables';
import type { Clock, Context } from '../context';
import type { appUser } from './tables';

type UserRow = Pick<typeof appUser.$inferSelect, 'id' | 'name' | 'roles'>;
type AgencyRow = Pick<
  typeof agency.$inferSelect,
  'id' | 'name' | 'type' | 'localAuthorityCode' | 'policeForceCode'
>;

/** The context a user acts in: who they are, their agency, and what their roles permit. */
export function contextForUser(
  user: UserRow,
  userAgency: AgencyRow,
  requestId: string,
  clock: Clock,
  credentialId?: string,
): Context {
  return {
    actor: {
      userId: user.id,
      name: user.name,
      agencyId: userAgency.id,
      agencyName: userAgency.name,
      agencyType: userAgency.type,
      localAuthorityCode: userAgency.localAuthorityCode,
      policeForceCode: userAgency.policeForceCode,
      roles: user.roles,
      ...(credentialId ? { credentialId } : {}),
    },
    permissions: permissionsOf(user.roles),
    requestId,
    clock,
  };
}
